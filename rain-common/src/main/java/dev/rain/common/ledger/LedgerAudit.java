package dev.rain.common.ledger;

import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's money invariants read straight from the journal and the balances, for the whole ledger and for
 * one rain. The integration tests, the fault suite and the benchmark's audit all ask these same questions, so none
 * of them can pass what another would fail; a rain's own report is {@link Reconciliation}.
 */
public final class LedgerAudit {

    /** Accounts whose balance is not their journal's credits minus debits (an account with no row counts as 0). */
    private static final String ACCOUNTS_OFF_JOURNAL = """
        SELECT count(*) FROM accounts a FULL JOIN (
            SELECT account, sum(delta) AS journal FROM (
                SELECT credit_account AS account, amount AS delta FROM transfers
                UNION ALL SELECT debit_account, -amount FROM transfers WHERE debit_account IS NOT NULL) d
            GROUP BY account) j ON j.account = a.account_id
        WHERE coalesce(a.balance, 0) <> coalesce(j.journal, 0)""";
    private static final String BOOKS = """
        SELECT (SELECT coalesce(sum(balance), 0) FROM accounts),
               (SELECT coalesce(sum(amount), 0) FROM deposits),
               (SELECT count(*) FROM accounts WHERE balance < 0),
               (SELECT count(*) - count(DISTINCT biz_id) FROM transfers)""";
    private static final String RAIN = """
        SELECT (SELECT status FROM rains WHERE config_code = ?),
               coalesce(sum(amount) FILTER (WHERE kind = 'FUND'), 0),
               coalesce(sum(amount) FILTER (WHERE kind = 'GRAB'), 0),
               count(*) FILTER (WHERE kind = 'GRAB'),
               coalesce(sum(amount) FILTER (WHERE kind = 'REFUND'), 0),
               (SELECT coalesce(sum(balance), 0) FROM accounts WHERE account_id = ?)
        FROM transfers WHERE config_code = ?""";
    private static final String VIEWERS_OVER_CAP = """
        SELECT count(*) FROM (SELECT t.user_id FROM transfers t JOIN rains r USING (config_code)
            WHERE t.kind = 'GRAB' AND t.config_code = ? GROUP BY t.user_id, r.max_grabs_per_user
            HAVING count(*) > r.max_grabs_per_user) over_cap""";

    private LedgerAudit() {
    }

    /** The whole ledger: money is only ever moved (balances add up to the deposits), never made or lost. */
    public record Books(long balances, long deposits, long negativeAccounts, long accountsOffJournal,
                       long bizIdsAppliedTwice) {

        /** What is wrong, in words; empty when the books are sound. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (balances != deposits) {
                problems.add("the balances (" + balances + ") do not add up to the deposits (" + deposits
                    + "): money was created or destroyed");
            }
            if (negativeAccounts != 0) {
                problems.add(negativeAccounts + " accounts have a negative balance");
            }
            if (accountsOffJournal != 0) {
                problems.add(accountsOffJournal + " accounts' balances are not the sum of their journal");
            }
            if (bizIdsAppliedTwice != 0) {
                problems.add(bizIdsAppliedTwice + " bizIds were applied twice");
            }
            return problems;
        }
    }

    /** One rain's journal: what went into its escrow and where it went. */
    public record RainBooks(String configCode, String status, long funded, long credited, long creditedCount,
                            long refunded, long escrowBalance, long viewersOverCap) {

        /**
         * What is wrong, in words; empty when the rain's books are sound: the journal adds up, no viewer holds more
         * than the cap, and a finished rain paid out everything it was funded with, to viewers or back to its anchor.
         */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (funded != credited + refunded + escrowBalance) {
                problems.add("funded " + funded + " != credited " + credited + " + refunded " + refunded
                    + " + escrow " + escrowBalance);
            }
            if ("FINISHED".equals(status) && escrowBalance != 0) {
                problems.add("the finished rain's escrow still holds " + escrowBalance);
            }
            if (viewersOverCap != 0) {
                problems.add(viewersOverCap + " viewers hold more than maxGrabsPerUser packets");
            }
            return problems;
        }
    }

    public static Books books(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(BOOKS); ResultSet rs = select.executeQuery()) {
            rs.next();
            return new Books(rs.getLong(1), rs.getLong(2), rs.getLong(3), count(c, ACCOUNTS_OFF_JOURNAL, null),
                rs.getLong(4));
        }
    }

    public static RainBooks rain(Connection c, String configCode) throws SQLException {
        Journal journal = journal(c, configCode);
        return new RainBooks(configCode, journal.status(), journal.funded(), journal.credited(),
            journal.creditedCount(), journal.refunded(), journal.escrowBalance(),
            count(c, VIEWERS_OVER_CAP, configCode));
    }

    /** What one rain's journal and escrow hold: the sums a reconciliation reports, without the audit's cap check. */
    public record Journal(String status, long funded, long credited, long creditedCount, long refunded,
                          long escrowBalance) {
    }

    public static Journal journal(Connection c, String configCode) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(RAIN)) {
            select.setString(1, configCode);
            select.setString(2, Ids.escrowAccount(configCode));
            select.setString(3, configCode);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return new Journal(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6));
            }
        }
    }

    private static long count(Connection c, String sql, String configCode) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            if (configCode != null) {
                select.setString(1, configCode);
            }
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
