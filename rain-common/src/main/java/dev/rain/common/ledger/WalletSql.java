package dev.rain.common.ledger;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** SQL of wallets: deposits (the only money entering the system) and a wallet's history. */
public final class WalletSql {

    public record Balance(String userId, long balance) {
    }

    /** @param seq the entry's place in the journal: a page of entries goes on below the last one's */
    public record Entry(String bizId, long amount, String kind, Instant at, long seq) {
    }

    /** Insert-first: the reference's row decides whether this call is new or a replay. */
    private static final String CLAIM_REFERENCE = """
        INSERT INTO deposits (reference, user_id, amount, balance_after) VALUES (?, ?, ?, 0)
        ON CONFLICT (reference) DO NOTHING""";
    private static final String EARLIER_DEPOSIT = "SELECT user_id, amount, balance_after FROM deposits WHERE reference = ?";
    private static final String CREDIT = """
        INSERT INTO accounts (account_id, balance) VALUES (?, ?)
        ON CONFLICT (account_id) DO UPDATE SET balance = accounts.balance + excluded.balance, updated_at = now()
        RETURNING balance""";
    private static final String RECORD_BALANCE = "UPDATE deposits SET balance_after = ? WHERE reference = ?";
    private static final String BALANCE = "SELECT balance FROM accounts WHERE account_id = ?";
    /**
     * Credits to the wallet, and the only debit a wallet knows: funding a rain; below a journal seq. A wallet's
     * entries are journal rows it is a side of, and a row's seq never changes, so a page that goes on below the
     * last seq it showed neither repeats nor skips a row committed before it was read.
     */
    private static final String ENTRIES = """
        SELECT biz_id, amount, kind, occurred_at, seq FROM (
            (SELECT biz_id, amount, kind, occurred_at, seq FROM transfers
              WHERE credit_account = ? AND seq < ? ORDER BY seq DESC LIMIT ?)
            UNION ALL
            (SELECT biz_id, -amount, kind, occurred_at, seq FROM transfers
              WHERE debit_account = ? AND kind = 'FUND' AND seq < ? ORDER BY seq DESC LIMIT ?)
        ) e ORDER BY seq DESC LIMIT ?""";

    private WalletSql() {
    }

    /**
     * Credits {@code amount} once per reference. The same reference with the same user and amount
     * answers what the first call answered; anything else is refused.
     */
    public static Balance deposit(Connection c, String userId, long amount, String reference) throws SQLException {
        boolean fresh;
        try (PreparedStatement claim = c.prepareStatement(CLAIM_REFERENCE)) {
            claim.setString(1, reference);
            claim.setString(2, userId);
            claim.setLong(3, amount);
            fresh = claim.executeUpdate() == 1;
        }
        if (!fresh) {
            return replay(c, userId, amount, reference);
        }
        long balance;
        try (PreparedStatement credit = c.prepareStatement(CREDIT)) {
            credit.setString(1, Ids.walletAccount(userId));
            credit.setLong(2, amount);
            try (ResultSet rs = credit.executeQuery()) {
                rs.next();
                balance = rs.getLong(1);
            }
        }
        TransferSql.insert(c, Ids.depositBizId(reference), "DEPOSIT", null, Ids.walletAccount(userId), amount, null,
            userId);
        try (PreparedStatement record = c.prepareStatement(RECORD_BALANCE)) {
            record.setLong(1, balance);
            record.setString(2, reference);
            record.executeUpdate();
        }
        return new Balance(userId, balance);
    }

    private static Balance replay(Connection c, String userId, long amount, String reference) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(EARLIER_DEPOSIT)) {
            select.setString(1, reference);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                if (!rs.getString(1).equals(userId) || rs.getLong(2) != amount) {
                    throw new RainException(ErrorCode.REFERENCE_REUSED,
                        "reference " + reference + " was already used for a different deposit");
                }
                return new Balance(userId, rs.getLong(3));
            }
        }
    }

    public static long balance(Connection c, String userId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(BALANCE)) {
            select.setString(1, Ids.walletAccount(userId));
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * Makes the rest of the transaction read one snapshot; must be its first statement. Under READ
     * COMMITTED a credit committed between two reads shows its entry beside the balance before it.
     */
    public static void readOneSnapshot(Connection c) throws SQLException {
        try (java.sql.Statement statement = c.createStatement()) {
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
    }

    /** Newest first, from the journal rows before {@code beforeSeq} ({@link Long#MAX_VALUE}: from the newest). */
    public static List<Entry> entries(Connection c, String userId, long beforeSeq, int limit) throws SQLException {
        String account = Ids.walletAccount(userId);
        try (PreparedStatement select = c.prepareStatement(ENTRIES)) {
            select.setString(1, account);
            select.setLong(2, beforeSeq);
            select.setInt(3, limit);
            select.setString(4, account);
            select.setLong(5, beforeSeq);
            select.setInt(6, limit);
            select.setInt(7, limit);
            try (ResultSet rs = select.executeQuery()) {
                List<Entry> entries = new ArrayList<>();
                while (rs.next()) {
                    entries.add(new Entry(rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getLong(5)));
                }
                return entries;
            }
        }
    }
}
