package dev.rain.common.ledger;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of the {@code rains} table family: creation with its funding, lifecycle steps, the refund. */
public final class RainSql {

    private static final String SELECT = "SELECT " + RainRecord.COLUMNS + " FROM rains ";

    private static final String DEBIT_ANCHOR = """
        UPDATE accounts SET balance = balance - ?, updated_at = now()
        WHERE account_id = ? AND balance >= ?""";
    private static final String OPEN_ESCROW = "INSERT INTO accounts (account_id, balance) VALUES (?, ?)";
    private static final String INSERT_RAIN = """
        INSERT INTO rains (config_code, room_id, anchor_id, mode, status, total_amount, total_count,
                           max_grabs_per_user, countdown_seconds, duration_seconds)
        VALUES (?, ?, ?, ?, 'WAIT_PREPARE', ?, ?, ?, ?, ?)""";
    private static final String MARK_PREPARED = """
        UPDATE rains SET status = 'PREPARED', shard_count = ?, prepare_token = ?, prepared_at = now()
        WHERE config_code = ? AND status = 'WAIT_PREPARE'""";
    private static final String BACK_TO_WAIT_PREPARE = """
        UPDATE rains SET status = 'WAIT_PREPARE', prepare_token = NULL
        WHERE config_code = ? AND status = 'PREPARED'""";
    /** The start guard: only one caller moves PREPARED to RUNNING; the window is taken from the database clock. */
    private static final String START = """
        UPDATE rains SET status = 'RUNNING',
                         starts_at = date_trunc('milliseconds', now()) + make_interval(secs => countdown_seconds),
                         ends_at = date_trunc('milliseconds', now()) + make_interval(secs => countdown_seconds + duration_seconds)
        WHERE config_code = ? AND status = 'PREPARED'""" + " RETURNING " + RainRecord.COLUMNS;
    private static final String CLOSE_NOW = """
        UPDATE rains SET ends_at = LEAST(ends_at, date_trunc('milliseconds', now()))
        WHERE config_code = ? AND status = 'RUNNING'""";
    /**
     * Closing a rain that never started: no grab can have happened (no shard ever got a window), so it
     * goes straight to the finisher with zero claims and its whole escrow is refunded. It keeps no window:
     * a rain that never started has no startsAt, and its room hears no end of it.
     */
    private static final String CLOSE_UNSTARTED_SET = """
        UPDATE rains SET status = 'RUNNING', start_published = true, claimed_count = 0, claimed_amount = 0,
                         starts_at = NULL, ends_at = NULL
        """;
    private static final String CLOSE_UNSTARTED = CLOSE_UNSTARTED_SET
        + "WHERE config_code = ? AND status IN ('WAIT_PREPARE', 'PREPARED')";
    /** Rains created this long ago and still not started hold their anchor's money for nothing: closed. */
    private static final String EXPIRE_UNSTARTED = CLOSE_UNSTARTED_SET
        + "WHERE status IN ('WAIT_PREPARE', 'PREPARED') AND created_at < now() - make_interval(secs => ?)"
        + " RETURNING config_code";
    private static final String TAKE_LEASE = """
        UPDATE rains SET finisher_id = ?, finisher_until = now() + make_interval(secs => ?)
        WHERE config_code = ? AND (finisher_id IS NULL OR finisher_id = ? OR finisher_until < now())""";
    private static final String FREEZE_CLAIMS = """
        UPDATE rains SET claimed_count = ?, claimed_amount = ?, sold_out_at = ?,
                         ends_at = LEAST(ends_at, date_trunc('milliseconds', now()))
        WHERE config_code = ? AND claimed_count IS NULL""";
    private static final String LOCK_RAIN = SELECT + "WHERE config_code = ? FOR UPDATE";
    private static final String ESCROW_BALANCE = "SELECT balance FROM accounts WHERE account_id = ? FOR UPDATE";
    private static final String MOVE = """
        UPDATE accounts SET balance = balance + ?, updated_at = now() WHERE account_id = ?""";
    private static final String CREDIT_WALLET = """
        INSERT INTO accounts (account_id, balance) VALUES (?, ?)
        ON CONFLICT (account_id) DO UPDATE SET balance = accounts.balance + excluded.balance, updated_at = now()""";
    private static final String MARK_FINISHED = """
        UPDATE rains SET status = 'FINISHED', finished_at = now(), refunded_amount = ?
        WHERE config_code = ?""";

    private RainSql() {
    }

    /**
     * Debits the anchor into the rain's new escrow and stores the rain, in the caller's transaction.
     *
     * @throws RainException INSUFFICIENT_FUNDS when the wallet cannot cover the total (nothing is written)
     */
    public static RainRecord createFunded(Connection c, NewRain rain) throws SQLException {
        String escrow = Ids.escrowAccount(rain.configCode());
        try (PreparedStatement debit = c.prepareStatement(DEBIT_ANCHOR)) {
            debit.setLong(1, rain.totalAmount());
            debit.setString(2, Ids.walletAccount(rain.anchorId()));
            debit.setLong(3, rain.totalAmount());
            if (debit.executeUpdate() != 1) {
                throw new RainException(ErrorCode.INSUFFICIENT_FUNDS,
                    "the wallet of " + rain.anchorId() + " holds less than " + rain.totalAmount());
            }
        }
        try (PreparedStatement open = c.prepareStatement(OPEN_ESCROW)) {
            open.setString(1, escrow);
            open.setLong(2, rain.totalAmount());
            open.executeUpdate();
        }
        TransferSql.insert(c, Ids.fundBizId(rain.configCode()), "FUND", Ids.walletAccount(rain.anchorId()), escrow,
            rain.totalAmount(), rain.configCode(), rain.anchorId());
        try (PreparedStatement insert = c.prepareStatement(INSERT_RAIN)) {
            insert.setString(1, rain.configCode());
            insert.setString(2, rain.roomId());
            insert.setString(3, rain.anchorId());
            insert.setString(4, rain.mode().name());
            insert.setLong(5, rain.totalAmount());
            insert.setInt(6, rain.totalCount());
            insert.setInt(7, rain.maxGrabsPerUser());
            insert.setInt(8, rain.countdownSeconds());
            insert.setInt(9, rain.durationSeconds());
            insert.executeUpdate();
        }
        return find(c, rain.configCode()).orElseThrow();
    }

    public static Optional<RainRecord> find(Connection c, String configCode) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(SELECT + "WHERE config_code = ?")) {
            select.setString(1, configCode);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(RainRecord.read(rs)) : Optional.empty();
            }
        }
    }

    public static boolean markPrepared(Connection c, String configCode, int shardCount, String token)
        throws SQLException {
        try (PreparedStatement update = c.prepareStatement(MARK_PREPARED)) {
            update.setInt(1, shardCount);
            update.setString(2, token);
            update.setString(3, configCode);
            return update.executeUpdate() == 1;
        }
    }

    public static void backToWaitPrepare(Connection c, String configCode) throws SQLException {
        execute(c, BACK_TO_WAIT_PREPARE, configCode);
    }

    /** @return the running rain, or empty when another caller started it first (or it was not prepared) */
    public static Optional<RainRecord> start(Connection c, String configCode) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(START)) {
            update.setString(1, configCode);
            try (ResultSet rs = update.executeQuery()) {
                return rs.next() ? Optional.of(RainRecord.read(rs)) : Optional.empty();
            }
        }
    }

    public static void markStartPublished(Connection c, String configCode) throws SQLException {
        execute(c, "UPDATE rains SET start_published = true WHERE config_code = ?", configCode);
    }

    public static void markEndPublished(Connection c, String configCode) throws SQLException {
        execute(c, "UPDATE rains SET end_published = true WHERE config_code = ?", configCode);
    }

    public static void markReleased(Connection c, String configCode) throws SQLException {
        execute(c, "UPDATE rains SET released = true WHERE config_code = ?", configCode);
    }

    /** Brings the end of a running rain forward to now. */
    public static boolean closeNow(Connection c, String configCode) throws SQLException {
        return execute(c, CLOSE_NOW, configCode) == 1;
    }

    public static boolean closeUnstarted(Connection c, String configCode) throws SQLException {
        return execute(c, CLOSE_UNSTARTED, configCode) == 1;
    }

    /** Closes every rain created more than {@code seconds} ago that never started; returns their codes. */
    public static List<String> expireUnstarted(Connection c, long seconds) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(EXPIRE_UNSTARTED)) {
            update.setLong(1, seconds);
            try (ResultSet rs = update.executeQuery()) {
                List<String> codes = new ArrayList<>();
                while (rs.next()) {
                    codes.add(rs.getString(1));
                }
                return codes;
            }
        }
    }

    /** Exactly one instance finishes a rain: the holder of an unexpired lease. */
    public static boolean takeFinisherLease(Connection c, String configCode, String instanceId, int seconds)
        throws SQLException {
        try (PreparedStatement update = c.prepareStatement(TAKE_LEASE)) {
            update.setString(1, instanceId);
            update.setInt(2, seconds);
            update.setString(3, configCode);
            update.setString(4, instanceId);
            return update.executeUpdate() == 1;
        }
    }

    /** Records the final claim counters read from the closed shards; the first freeze wins. */
    public static void freezeClaims(Connection c, String configCode, long claimedCount, long claimedAmount,
                                    Instant soldOutAt) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(FREEZE_CLAIMS)) {
            update.setLong(1, claimedCount);
            update.setLong(2, claimedAmount);
            update.setTimestamp(3, soldOutAt == null ? null : Timestamp.from(soldOutAt));
            update.setString(4, configCode);
            update.executeUpdate();
        }
    }

    /**
     * Moves what is left in the escrow back to the anchor and finishes the rain, once every claim is
     * settled. The rain row is locked first, as the settlement consumer locks it before crediting, so
     * no grab can be credited after this refund is computed, and no refunded cent can be credited.
     *
     * @return the finished rain, or empty when claims are still in flight or it was already finished
     */
    public static Optional<RainRecord> refundAndFinish(Connection c, String configCode) throws SQLException {
        Optional<RainRecord> locked = lock(c, configCode);
        if (locked.isEmpty() || locked.get().status() != dev.rain.common.RainStatus.RUNNING
            || !locked.get().allClaimsSettled()) {
            return Optional.empty();
        }
        long left = refundEscrow(c, locked.get());
        try (PreparedStatement finish = c.prepareStatement(MARK_FINISHED)) {
            finish.setLong(1, left);
            finish.setString(2, configCode);
            finish.executeUpdate();
        }
        return find(c, configCode);
    }

    private static Optional<RainRecord> lock(Connection c, String configCode) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(LOCK_RAIN)) {
            lock.setString(1, configCode);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() ? Optional.of(RainRecord.read(rs)) : Optional.empty();
            }
        }
    }

    /** Moves the whole rest of the locked rain's escrow to its anchor, journal row first; returns how much. */
    private static long refundEscrow(Connection c, RainRecord rain) throws SQLException {
        String escrow = Ids.escrowAccount(rain.configCode());
        long left;
        try (PreparedStatement balance = c.prepareStatement(ESCROW_BALANCE)) {
            balance.setString(1, escrow);
            try (ResultSet rs = balance.executeQuery()) {
                left = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (left > 0) {
            TransferSql.insert(c, Ids.refundBizId(rain.configCode()), "REFUND", escrow,
                Ids.walletAccount(rain.anchorId()), left, rain.configCode(), rain.anchorId());
            try (PreparedStatement debit = c.prepareStatement(MOVE)) {
                debit.setLong(1, -left);
                debit.setString(2, escrow);
                debit.executeUpdate();
            }
            try (PreparedStatement credit = c.prepareStatement(CREDIT_WALLET)) {
                credit.setString(1, Ids.walletAccount(rain.anchorId()));
                credit.setLong(2, left);
                credit.executeUpdate();
            }
        }
        return left;
    }

    private static int execute(Connection c, String sql, String configCode) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, configCode);
            return statement.executeUpdate();
        }
    }
}
