package dev.rain.common.ledger.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** SQL of {@code accounts} as the settlement moves money: one statement, whatever the batch size. */
final class AccountRows {

    /**
     * Both sides of a batch in one statement (one round trip): the escrows debited, the wallets credited. The two
     * never touch the same row (an escrow and a wallet are different accounts), as a data-modifying WITH requires.
     *
     * <p>The balance CHECK (balance >= 0) refuses a debit the escrow cannot cover. Escrow rows need no ordering:
     * an escrow is only ever written by whoever holds its rain row's lock. Wallets are credited in account order
     * (byte order, the primary key's collation), so two consumers crediting the same wallets lock them in the same
     * order. The debited escrows come back: one missing means money would come from nowhere.
     */
    static final String MOVE = """
        WITH debited AS (
            UPDATE accounts a SET balance = a.balance - d.amount, updated_at = now()
            FROM unnest(?::text[], ?::bigint[]) AS d(account_id, amount)
            WHERE a.account_id = d.account_id
            RETURNING a.account_id),
        credited AS (
            INSERT INTO accounts (account_id, balance)
            SELECT w.account_id, w.amount FROM unnest(?::text[], ?::bigint[]) AS w(account_id, amount)
            ORDER BY w.account_id COLLATE "C"
            ON CONFLICT (account_id) DO UPDATE SET balance = accounts.balance + excluded.balance, updated_at = now())
        SELECT account_id FROM debited""";

    /** A batch's movements summed per account: what each escrow pays, what each wallet receives. */
    record Moves(SortedMap<String, Long> debits, SortedMap<String, Long> credits) {

        static Moves of(List<Claim> claims) {
            SortedMap<String, Long> debits = new TreeMap<>();
            SortedMap<String, Long> credits = new TreeMap<>();
            for (Claim claim : claims) {
                debits.merge(claim.escrowAccount(), claim.amount(), Math::addExact);
                credits.merge(claim.creditAccount(), claim.amount(), Math::addExact);
            }
            return new Moves(debits, credits);
        }
    }

    private AccountRows() {
    }

    /** @throws EscrowMissingException when an account to debit does not exist: money never comes from nowhere */
    static void move(Connection c, Moves moves) throws SQLException {
        if (moves.debits().isEmpty() && moves.credits().isEmpty()) {
            return;
        }
        try (PreparedStatement move = c.prepareStatement(MOVE)) {
            bindMove(move, 1, moves);
            try (ResultSet rs = move.executeQuery()) {
                checkDebited(moves, rs);
            }
        }
    }

    /** Binds {@link #MOVE}'s parameters from {@code at}; returns the index after them. */
    static int bindMove(PreparedStatement move, int at, Moves moves) throws SQLException {
        move.setObject(at, PgArrays.text(moves.debits().keySet()));
        move.setObject(at + 1, PgArrays.bigint(moves.debits().entrySet(), Map.Entry::getValue));
        move.setObject(at + 2, PgArrays.text(moves.credits().keySet()));
        move.setObject(at + 3, PgArrays.bigint(moves.credits().entrySet(), Map.Entry::getValue));
        return at + 4;
    }

    /**
     * Reads {@link #MOVE}'s debited escrows.
     *
     * @throws EscrowMissingException when an account to debit does not exist: money never comes from nowhere
     */
    static void checkDebited(Moves moves, ResultSet rs) throws SQLException {
        SortedMap<String, Long> debits = moves.debits();
        List<String> debited = new ArrayList<>();
        while (rs.next()) {
            debited.add(rs.getString(1));
        }
        if (debited.size() != debits.size()) {
            List<String> missing = new ArrayList<>(debits.keySet());
            missing.removeAll(debited);
            throw new EscrowMissingException(missing);
        }
    }
}
