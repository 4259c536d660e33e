package dev.rain.settlement.testing;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.Database;
import dev.rain.common.ledger.LedgerAudit;
import dev.rain.common.ledger.WalletSql;
import dev.rain.common.ledger.PgConfig;
import dev.rain.common.testing.RealServices;
import dev.rain.common.ledger.settle.Claim;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh, migrated ledger database for one test class, seeded with plain SQL the way the API would: deposits,
 * a rain funded from its anchor's wallet into its escrow, the API's own refund at finish.
 */
public final class LedgerFixture implements AutoCloseable {

    /** Grabs happen at distinct microseconds from here on. */
    public static final Instant T0 = Instant.parse("2025-05-01T12:00:00.000001Z");

    private final PgConfig postgres;
    private final Database database;

    private LedgerFixture(PgConfig postgres, Database database) {
        this.postgres = postgres;
        this.database = database;
    }

    public static LedgerFixture create(String purpose) {
        PgConfig postgres = RealServices.get().freshDatabase(purpose);
        return new LedgerFixture(postgres, Database.connect(postgres, "it-" + purpose));
    }

    public PgConfig postgres() {
        return postgres;
    }

    public Database database() {
        return database;
    }

    /** A rain that was created (anchor debited, escrow funded), prepared and started. */
    public Rain runningRain(long totalAmount, int totalCount, int maxGrabsPerUser) throws SQLException {
        Rain rain = new Rain(Ids.newConfigCode(), "anchor-" + UUID.randomUUID().toString().substring(0, 8), "room-1");
        deposit(rain.anchorId(), totalAmount);
        database.inTransaction(c -> {
            update(c, "UPDATE accounts SET balance = balance - ? WHERE account_id = ?", totalAmount,
                Ids.walletAccount(rain.anchorId()));
            update(c, "INSERT INTO accounts (account_id, balance) VALUES (?, ?)", Ids.escrowAccount(rain.configCode()),
                totalAmount);
            update(c, """
                INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id,
                                       occurred_at)
                VALUES (?, 'FUND', ?, ?, ?, ?, ?, now())""", Ids.fundBizId(rain.configCode()),
                Ids.walletAccount(rain.anchorId()), Ids.escrowAccount(rain.configCode()), totalAmount,
                rain.configCode(), rain.anchorId());
            update(c, """
                INSERT INTO rains (config_code, room_id, anchor_id, mode, status, total_amount, total_count,
                                   max_grabs_per_user, countdown_seconds, duration_seconds, shard_count,
                                   prepared_at, starts_at, ends_at)
                VALUES (?, ?, ?, 'LUCKY', 'RUNNING', ?, ?, ?, 0, 30, 1, now(), now(), now() + interval '30 seconds')""",
                rain.configCode(), rain.roomId(), rain.anchorId(), totalAmount, totalCount, maxGrabsPerUser);
            return null;
        });
        return rain;
    }

    /** A deposit as the API books it: the ledger's own money move, journal row and all. */
    public void deposit(String userId, long amount) throws SQLException {
        database.inTransaction(c -> WalletSql.deposit(c, userId, amount, "fixture-" + UUID.randomUUID()));
    }

    /** What the API's finisher does: under the rain's lock, the escrow's rest goes back to the anchor. */
    public long finishLikeTheApi(Rain rain) throws SQLException {
        return finishLikeTheApi(rain, () -> { });
    }

    /** Something a test does while the finisher holds the rain's lock, before the refund. */
    @FunctionalInterface
    public interface WhileLocked {
        void run() throws Exception;
    }

    /** {@link #finishLikeTheApi(Rain)}, running {@code whileLocked} once it holds the rain's lock. */
    public long finishLikeTheApi(Rain rain, WhileLocked whileLocked) throws SQLException {
        return database.inTransaction(c -> {
            update(c, "SELECT 1 FROM rains WHERE config_code = ? FOR UPDATE", rain.configCode());
            try {
                whileLocked.run();
            } catch (Exception e) {
                throw new IllegalStateException("while the rain was locked", e);
            }
            long left = queryLong(c, "SELECT balance FROM accounts WHERE account_id = ?",
                Ids.escrowAccount(rain.configCode()));
            if (left > 0) {
                update(c, """
                    INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id,
                                           occurred_at)
                    VALUES (?, 'REFUND', ?, ?, ?, ?, ?, now())""", Ids.refundBizId(rain.configCode()),
                    Ids.escrowAccount(rain.configCode()), Ids.walletAccount(rain.anchorId()), left, rain.configCode(),
                    rain.anchorId());
                update(c, "UPDATE accounts SET balance = balance - ? WHERE account_id = ?", left,
                    Ids.escrowAccount(rain.configCode()));
                update(c, "UPDATE accounts SET balance = balance + ? WHERE account_id = ?", left,
                    Ids.walletAccount(rain.anchorId()));
            }
            update(c, "UPDATE rains SET status = 'FINISHED', finished_at = now(), refunded_amount = ? "
                + "WHERE config_code = ?", left, rain.configCode());
            return left;
        });
    }

    public long balance(String account) throws SQLException {
        return queryLong("SELECT coalesce(sum(balance), 0) FROM accounts WHERE account_id = ?", account);
    }

    public long wallet(String userId) throws SQLException {
        return balance(Ids.walletAccount(userId));
    }

    public long escrow(Rain rain) throws SQLException {
        return balance(Ids.escrowAccount(rain.configCode()));
    }

    /** The whole ledger's money invariants, as every audit of the project reads them. */
    public LedgerAudit.Books books() throws SQLException {
        return database.inTransaction(LedgerAudit::books);
    }

    public long grabTransfers(Rain rain) throws SQLException {
        return queryLong("SELECT count(*) FROM transfers WHERE kind = 'GRAB' AND config_code = ?", rain.configCode());
    }

    public RainRow rainRow(Rain rain) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("""
                SELECT status, settled_count, settled_amount, rejected_count, refunded_amount,
                       best_luck_user, best_luck_amount, best_luck_packet
                FROM rains WHERE config_code = ?""")) {
                select.setString(1, rain.configCode());
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return new RainRow(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getInt(4), rs.getLong(5),
                        rs.getString(6), (Long) rs.getObject(7), rs.getString(8));
                }
            }
        });
    }

    public List<AnomalyRow> anomalies(String configCode) throws SQLException {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("""
                SELECT packet_id, user_id, amount, reason FROM claim_anomalies WHERE config_code = ? ORDER BY id""")) {
                select.setString(1, configCode);
                List<AnomalyRow> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new AnomalyRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                    }
                }
                return rows;
            }
        });
    }

    /** Everything money-related in one string, to show that something changed nothing. */
    public String fingerprint() throws SQLException {
        return database.inTransaction(c -> {
            StringBuilder out = new StringBuilder();
            for (String sql : new String[] {
                "SELECT string_agg(account_id || '=' || balance, ',' ORDER BY account_id) FROM accounts",
                "SELECT string_agg(biz_id || '>' || user_id || ':' || amount, ',' ORDER BY biz_id) FROM transfers",
                "SELECT string_agg(config_code || ':' || status || ':' || settled_count || ':' || settled_amount || ':'"
                    + " || rejected_count || ':' || refunded_amount || ':' || coalesce(best_luck_packet, '-'), ','"
                    + " ORDER BY config_code) FROM rains",
                "SELECT count(*)::text FROM claim_anomalies"}) {
                try (PreparedStatement select = c.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
                    rs.next();
                    out.append(rs.getString(1)).append('\n');
                }
            }
            return out.toString();
        });
    }

    public long queryLong(String sql, Object... args) throws SQLException {
        return database.inTransaction(c -> queryLong(c, sql, args));
    }

    @Override
    public void close() {
        database.close();
    }

    private static long queryLong(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, args);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            bind(statement, args);
            statement.execute();
        }
    }

    private static void bind(PreparedStatement statement, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
    }

    /** A seeded rain, and the messages its grabs and refund would produce. */
    public record Rain(String configCode, String anchorId, String roomId) {

        public String packet(int index) {
            return Ids.packetId(configCode, index);
        }

        public SettlementEvent grabEvent(int index, String userId, long amount, Instant at) {
            return SettlementEvent.grab(packet(index), configCode, roomId, anchorId, userId, amount, at.toString());
        }

        /** Packet {@code index} to {@code userId} in slot {@code slot}, at T0 + index microseconds. */
        public Claim grab(int index, String userId, long amount, int slot) {
            Instant at = T0.plusNanos(index * 1_000L);
            return new Claim(grabEvent(index, userId, amount, at), at, slot);
        }

        public Claim refund(long amount, Instant at) {
            return new Claim(SettlementEvent.refund(configCode, roomId, anchorId, amount, at.toString()), at,
                Claim.NO_SLOT);
        }
    }

    public record RainRow(String status, int settledCount, long settledAmount, int rejectedCount,
                          long refundedAmount, String bestLuckUser, Long bestLuckAmount, String bestLuckPacket) {
    }

    public record AnomalyRow(String packetId, String userId, long amount, String reason) {
    }
}
