package dev.rain.common.ledger.settle;

import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL of the journal ({@code transfers}) as the settlement writes it: insert first, look up what was there. */
final class TransferRows {

    /**
     * One journal row per claim. The two account columns are built in the statement from the account prefixes
     * (bound once, taken from {@link Ids}) and the code and user columns: two fewer arrays of 2,000 strings to
     * encode, send and parse in the statement that is the largest part of a batch.
     */
    static final String INSERT_ROWS = """
        INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id,
                               grab_slot, occurred_at)
        SELECT t.biz_id, t.kind, ?::text || t.config_code, ?::text || t.user_id, t.amount, t.config_code, t.user_id,
               t.grab_slot, %s
        FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::bigint[])
          AS t(biz_id, kind, amount, config_code, user_id, grab_slot, occurred_micros)"""
        .formatted(PgArrays.FROM_EPOCH_MICROS.formatted("t.occurred_micros"));

    /**
     * Insert-first idempotency: a bizId already in the journal is skipped, and only the rows actually inserted
     * come back, so money moves for exactly those. The unique index on (rain, viewer, slot) still fires here.
     */
    private static final String INSERT_SKIPPING_KNOWN = INSERT_ROWS + """

        ON CONFLICT (biz_id) DO NOTHING
        RETURNING biz_id""";

    /** What {@link Claim#escrowAccount()} and {@link Claim#creditAccount()} put before the code and the user. */
    private static final String ESCROW_PREFIX = Ids.escrowAccount("");
    private static final String WALLET_PREFIX = Ids.walletAccount("");

    private static final String FIND = """
        SELECT biz_id, kind, user_id, amount, occurred_at FROM transfers WHERE biz_id = ANY(?::text[])""";

    /** A journal row as far as comparing it with a redelivered claim goes. */
    record Stored(String bizId, String kind, String userId, long amount, Instant occurredAt) {

        /** The same movement delivered again, as opposed to the same packet claimed by someone else. */
        boolean sameAs(Claim claim) {
            return kind.equals(claim.event().type().name()) && userId.equals(claim.userId())
                && amount == claim.amount() && occurredAt.equals(claim.occurredAt());
        }
    }

    private TransferRows() {
    }

    /**
     * @param cleanSince a savepoint the caller set with nothing written after it, or null: a refused plain insert
     *     then rolls back to it instead of to a savepoint of its own, two round trips fewer per batch
     * @return the bizIds this call inserted; the others were already in the journal
     */
    static Set<String> insert(Connection c, List<Claim> claims, Savepoint cleanSince) throws SQLException {
        if (claims.isEmpty()) {
            return Set.of();
        }
        Savepoint beforeInsert = cleanSince != null ? cleanSince : c.setSavepoint();
        try {
            insertAll(c, claims);
            if (cleanSince == null) {
                c.releaseSavepoint(beforeInsert);
            }
            Set<String> inserted = new HashSet<>();
            claims.forEach(claim -> inserted.add(claim.bizId()));
            return inserted;
        } catch (SQLException e) {
            if (!isConstraintViolation(e)) {
                throw e;
            }
            // Some claim is already in the journal (a redelivery), or breaks a constraint: exactly as before, with
            // the statement that skips known bizIds and raises whatever else it raises. Rolling back to a savepoint
            // keeps it, so the caller's savepoint is still there for the caller.
            c.rollback(beforeInsert);
            Set<String> inserted = insertSkippingKnown(c, claims);
            if (cleanSince == null) {
                c.releaseSavepoint(beforeInsert);
            }
            return inserted;
        }
    }

    /**
     * The common case, a batch of new bizIds, as a plain INSERT: Postgres neither checks each row for a
     * conflict before inserting it nor sends the bizIds back. Under a savepoint, 2,000 rows a statement, it
     * inserted about 1.4 times the rows per second of {@link #insertSkippingKnown} (three alternating rounds of
     * 50,000 in one database). Any bizId already there fails the whole statement, and the caller falls back.
     */
    private static void insertAll(Connection c, List<Claim> claims) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT_ROWS)) {
            bind(insert, claims);
            insert.executeUpdate();
        }
    }

    private static Set<String> insertSkippingKnown(Connection c, List<Claim> claims) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT_SKIPPING_KNOWN)) {
            bind(insert, claims);
            Set<String> inserted = new HashSet<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
            return inserted;
        }
    }

    private static void bind(PreparedStatement insert, List<Claim> claims) throws SQLException {
        bind(insert, 1, claims);
    }

    /** Binds {@link #INSERT_ROWS}'s parameters from {@code at}; returns the index after them. */
    static int bind(PreparedStatement insert, int at, List<Claim> claims) throws SQLException {
        insert.setString(at, ESCROW_PREFIX);
        insert.setString(at + 1, WALLET_PREFIX);
        insert.setObject(at + 2, PgArrays.text(claims, Claim::bizId));
        insert.setObject(at + 3, PgArrays.text(claims, claim -> claim.event().type().name()));
        insert.setObject(at + 4, PgArrays.bigint(claims, Claim::amount));
        insert.setObject(at + 5, PgArrays.text(claims, Claim::configCode));
        insert.setObject(at + 6, PgArrays.text(claims, Claim::userId));
        insert.setObject(at + 7, PgArrays.integerOrNull(claims, claim -> claim.isGrab() ? claim.slot() : 0));
        insert.setObject(at + 8, PgArrays.epochMicros(claims, Claim::occurredAt));
        return at + 9;
    }

    /** SQLSTATE class 23: a unique key, a CHECK or a NOT NULL refused a row. */
    static boolean isConstraintViolation(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }

    static Map<String, Stored> find(Connection c, Collection<String> bizIds) throws SQLException {
        if (bizIds.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement find = c.prepareStatement(FIND)) {
            find.setObject(1, PgArrays.text(bizIds));
            Map<String, Stored> found = new HashMap<>();
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), new Stored(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
            return found;
        }
    }
}
