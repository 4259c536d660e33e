package dev.rain.common.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The read side of a rain in the ledger: settled records and the reconciliation figures. */
public final class ReadSql {

    /**
     * A place in a rain's records: the rain's batch that settled a record, then the record's journal seq. Batches
     * of a rain commit in the order of their numbers, and seqs do not (V3's migration), so a reader past a
     * position never sees a record appear before it.
     */
    public record Position(long batch, long seq) {

        public static final Position START = new Position(0, 0);
    }

    public record GrabRecord(Position position, String packetId, String userId, long amount, Instant grabbedAt) {
    }

    public record Anomaly(String packetId, String userId, long amount, Instant occurredAt, String reason,
                          String detail) {
    }

    /**
     * What the ledger itself says a rain moved, summed from the journal rather than from counters.
     *
     * @param anomalyCount  every claim the ledger refused, however many {@code anomalies} lists
     * @param refusedAmount what the refused claims whose packet nobody got add up to: that money is still in the escrow
     */
    public record LedgerFigures(long funded, long credited, long creditedCount, long refunded, long escrowBalance,
                                long anomalyCount, long refusedAmount, List<Anomaly> anomalies) {
    }

    /** The most refused claims one reconciliation lists; the totals always count them all. */
    public static final int ANOMALY_LIST_LIMIT = 10_000;

    /**
     * Batch by batch, in the order they committed; within a batch, by seq. Written as a walk over the rain's
     * batches that reads each batch's rows from the index, starting after the cursor, because the statement is
     * prepared on the server and may run on Postgres's generic plan. As one join filtered by "batch > ? OR seq
     * > ?", that plan was a parallel sequential scan of the whole journal: 100 ms a page for a rain of 200,000
     * packets (RecordsPlanIT).
     */
    static final String RECORDS = """
        SELECT b.batch_no, t.seq, t.biz_id, t.user_id, t.amount, t.occurred_at
        FROM rain_batches b
        CROSS JOIN LATERAL (
          SELECT seq, biz_id, user_id, amount, occurred_at FROM transfers
          WHERE config_code = b.config_code AND kind = 'GRAB' AND settle_xact = b.xact
            AND seq > CASE WHEN b.batch_no = ? THEN ? ELSE 0 END
          ORDER BY seq LIMIT ?) t
        WHERE b.config_code = ? AND b.batch_no >= ?
        ORDER BY b.batch_no, t.seq LIMIT ?""";
    /** {@code \s}: a text block drops the space before its closing quotes, which made "LIMIT10000". */
    private static final String ANOMALIES = """
        SELECT packet_id, user_id, amount, occurred_at, reason, detail FROM claim_anomalies
        WHERE config_code = ? ORDER BY id LIMIT\s""" + ANOMALY_LIST_LIMIT;
    /** The reasons whose packet was credited to nobody (see the consumer's AnomalyReason.packetLeftUncredited). */
    private static final String ANOMALY_TOTALS = """
        SELECT count(*), coalesce(sum(amount) FILTER (
                   WHERE reason IN ('OVER_USER_LIMIT', 'ESCROW_EXHAUSTED', 'RAIN_FINISHED', 'UNKNOWN_RAIN')), 0)
        FROM claim_anomalies WHERE config_code = ?""";

    private ReadSql() {
    }

    /** Settled grabs in settlement order, after {@code after}. */
    public static List<GrabRecord> records(Connection c, String configCode, Position after, int limit)
        throws SQLException {
        try (PreparedStatement select = c.prepareStatement(RECORDS)) {
            select.setLong(1, after.batch());
            select.setLong(2, after.seq());
            select.setInt(3, limit);
            select.setString(4, configCode);
            select.setLong(5, after.batch());
            select.setInt(6, limit);
            try (ResultSet rs = select.executeQuery()) {
                List<GrabRecord> records = new ArrayList<>();
                while (rs.next()) {
                    records.add(new GrabRecord(new Position(rs.getLong(1), rs.getLong(2)), rs.getString(3),
                        rs.getString(4), rs.getLong(5), rs.getTimestamp(6).toInstant()));
                }
                return records;
            }
        }
    }

    /** The rain's journal as {@link LedgerAudit} reads it, with the claims the ledger refused. */
    public static LedgerFigures figures(Connection c, String configCode) throws SQLException {
        LedgerAudit.Journal journal = LedgerAudit.journal(c, configCode);
        long anomalyCount;
        long refusedAmount;
        try (PreparedStatement totals = c.prepareStatement(ANOMALY_TOTALS)) {
            totals.setString(1, configCode);
            try (ResultSet rs = totals.executeQuery()) {
                rs.next();
                anomalyCount = rs.getLong(1);
                refusedAmount = rs.getLong(2);
            }
        }
        return new LedgerFigures(journal.funded(), journal.credited(), journal.creditedCount(), journal.refunded(),
            journal.escrowBalance(), anomalyCount, refusedAmount, anomalies(c, configCode));
    }

    private static List<Anomaly> anomalies(Connection c, String configCode) throws SQLException {
        List<Anomaly> anomalies = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(ANOMALIES)) {
            select.setString(1, configCode);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    anomalies.add(new Anomaly(rs.getString(1), rs.getString(2), rs.getLong(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return anomalies;
    }
}
