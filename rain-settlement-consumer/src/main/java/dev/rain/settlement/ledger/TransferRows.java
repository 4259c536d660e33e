package dev.rain.settlement.ledger;

import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
     * Insert-first idempotency: a bizId already in the journal is skipped, and only the rows actually inserted
     * come back, so money moves for exactly those. The unique index on (rain, viewer, slot) still fires here.
     * The two account columns are built in the statement from the account prefixes (bound once, taken from
     * {@link Ids}) and the code and user columns: two fewer arrays of 2,000 strings to encode, send and parse,
     * which made this statement, the largest part of a batch, about a tenth faster.
     */
    private static final String INSERT = """
        INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id,
                               grab_slot, occurred_at)
        SELECT t.biz_id, t.kind, ?::text || t.config_code, ?::text || t.user_id, t.amount, t.config_code, t.user_id,
               t.grab_slot, t.occurred_at::timestamptz
        FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::integer[], ?::text[])
          AS t(biz_id, kind, amount, config_code, user_id, grab_slot, occurred_at)
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

    /** @return the bizIds this call inserted; the others were already in the journal */
    static Set<String> insert(Connection c, List<Claim> claims) throws SQLException {
        if (claims.isEmpty()) {
            return Set.of();
        }
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            insert.setString(1, ESCROW_PREFIX);
            insert.setString(2, WALLET_PREFIX);
            insert.setArray(3, PgArrays.text(c, claims, Claim::bizId));
            insert.setArray(4, PgArrays.text(c, claims, claim -> claim.event().type().name()));
            insert.setArray(5, PgArrays.bigint(c, claims, Claim::amount));
            insert.setArray(6, PgArrays.text(c, claims, Claim::configCode));
            insert.setArray(7, PgArrays.text(c, claims, Claim::userId));
            insert.setArray(8, PgArrays.integerOrNull(c, claims, claim -> claim.isGrab() ? claim.slot() : 0));
            insert.setArray(9, PgArrays.timestamps(c, claims, Claim::occurredAt));
            Set<String> inserted = new HashSet<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
            return inserted;
        }
    }

    static Map<String, Stored> find(Connection c, Collection<String> bizIds) throws SQLException {
        if (bizIds.isEmpty()) {
            return Map.of();
        }
        try (PreparedStatement find = c.prepareStatement(FIND)) {
            find.setArray(1, PgArrays.text(c, bizIds));
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
