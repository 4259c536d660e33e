package dev.rain.api.ledger;

import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The read side of a rain in the ledger: settled records and the reconciliation figures. */
public final class ReadSql {

    public record GrabRecord(long seq, String packetId, String userId, long amount, Instant grabbedAt) {
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

    private static final String RECORDS = """
        SELECT seq, biz_id, user_id, amount, occurred_at FROM transfers
        WHERE config_code = ? AND kind = 'GRAB' AND seq > ?
        ORDER BY seq LIMIT ?""";
    private static final String SUMS = """
        SELECT coalesce(sum(amount) FILTER (WHERE kind = 'FUND'), 0),
               coalesce(sum(amount) FILTER (WHERE kind = 'GRAB'), 0),
               count(*) FILTER (WHERE kind = 'GRAB'),
               coalesce(sum(amount) FILTER (WHERE kind = 'REFUND'), 0)
        FROM transfers WHERE config_code = ?""";
    private static final String ESCROW = "SELECT balance FROM accounts WHERE account_id = ?";
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

    /** Settled grabs in settlement order, after the cursor {@code afterSeq}. */
    public static List<GrabRecord> records(Connection c, String configCode, long afterSeq, int limit)
        throws SQLException {
        try (PreparedStatement select = c.prepareStatement(RECORDS)) {
            select.setString(1, configCode);
            select.setLong(2, afterSeq);
            select.setInt(3, limit);
            try (ResultSet rs = select.executeQuery()) {
                List<GrabRecord> records = new ArrayList<>();
                while (rs.next()) {
                    records.add(new GrabRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        rs.getTimestamp(5).toInstant()));
                }
                return records;
            }
        }
    }

    public static LedgerFigures figures(Connection c, String configCode) throws SQLException {
        long funded;
        long credited;
        long creditedCount;
        long refunded;
        try (PreparedStatement sums = c.prepareStatement(SUMS)) {
            sums.setString(1, configCode);
            try (ResultSet rs = sums.executeQuery()) {
                rs.next();
                funded = rs.getLong(1);
                credited = rs.getLong(2);
                creditedCount = rs.getLong(3);
                refunded = rs.getLong(4);
            }
        }
        long escrow;
        try (PreparedStatement balance = c.prepareStatement(ESCROW)) {
            balance.setString(1, Ids.escrowAccount(configCode));
            try (ResultSet rs = balance.executeQuery()) {
                escrow = rs.next() ? rs.getLong(1) : 0;
            }
        }
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
        return new LedgerFigures(funded, credited, creditedCount, refunded, escrow, anomalyCount, refusedAmount,
            anomalies);
    }
}
