package dev.rain.settlement.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** SQL of {@code accounts} as the settlement moves money: one statement per side, whatever the batch size. */
final class AccountRows {

    /**
     * The balance CHECK (balance >= 0) refuses a debit the escrow cannot cover. Escrow rows need no ordering here:
     * an escrow is only ever written by whoever holds its rain row's lock.
     */
    private static final String DEBIT = """
        UPDATE accounts a SET balance = a.balance - d.amount, updated_at = now()
        FROM unnest(?::text[], ?::bigint[]) AS d(account_id, amount)
        WHERE a.account_id = d.account_id
        RETURNING a.account_id""";

    /** Rows in account order, so two consumers crediting the same wallets lock them in the same order. */
    private static final String CREDIT = """
        INSERT INTO accounts (account_id, balance)
        SELECT w.account_id, w.amount FROM unnest(?::text[], ?::bigint[]) AS w(account_id, amount)
        ORDER BY w.account_id
        ON CONFLICT (account_id) DO UPDATE SET balance = accounts.balance + excluded.balance, updated_at = now()""";

    private AccountRows() {
    }

    /** @throws EscrowMissingException when an account to debit does not exist: money never comes from nowhere */
    static void debit(Connection c, SortedMap<String, Long> amounts) throws SQLException {
        if (amounts.isEmpty()) {
            return;
        }
        List<String> debited = new ArrayList<>();
        try (PreparedStatement debit = c.prepareStatement(DEBIT)) {
            bind(c, debit, amounts);
            try (ResultSet rs = debit.executeQuery()) {
                while (rs.next()) {
                    debited.add(rs.getString(1));
                }
            }
        }
        if (debited.size() != amounts.size()) {
            List<String> missing = new ArrayList<>(amounts.keySet());
            missing.removeAll(debited);
            throw new EscrowMissingException(missing);
        }
    }

    static void credit(Connection c, SortedMap<String, Long> amounts) throws SQLException {
        if (amounts.isEmpty()) {
            return;
        }
        try (PreparedStatement credit = c.prepareStatement(CREDIT)) {
            bind(c, credit, amounts);
            credit.executeUpdate();
        }
    }

    private static void bind(Connection c, PreparedStatement statement, SortedMap<String, Long> amounts)
        throws SQLException {
        statement.setObject(1, PgArrays.text(amounts.keySet()));
        statement.setObject(2, PgArrays.bigint(amounts.entrySet(), Map.Entry::getValue));
    }
}
