package dev.rain.common.ledger.settle;

import dev.rain.common.RainStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/** SQL of the {@code rains} rows the settlement keeps up to date: lock, counters, best luck, rebuilt refunds. */
final class RainRows {

    /**
     * Locks the batch's rains in code order. The API's finisher locks the same row before it refunds, so a grab
     * is either applied before the refund (and the refund sees it) or sees the rain FINISHED; and two consumers
     * never wait on each other in opposite orders.
     */
    static final String LOCK = """
        SELECT config_code, anchor_id, status, max_grabs_per_user
        FROM rains WHERE config_code = ANY(?::text[])
        ORDER BY config_code
        FOR UPDATE""";

    /**
     * Adds the batch's counters and, for each rain it credited, numbers the batch: the rain's next batch number,
     * taken under the rain's lock, recorded with this transaction's id, which the batch's journal rows carry
     * ({@code transfers.settle_xact}). Batch numbers of a rain so commit in increasing order, and the records
     * are paged by (batch, seq): the journal's seqs are taken before the lock, so they do not (V3's migration).
     */
    static final String ADD_COUNTERS = """
        WITH counted AS (
          UPDATE rains r SET settled_count = r.settled_count + d.settled_count,
                             settled_amount = r.settled_amount + d.settled_amount,
                             rejected_count = r.rejected_count + d.rejected_count,
                             settle_batches = r.settle_batches + (d.settled_count > 0)::integer
          FROM unnest(?::text[], ?::integer[], ?::bigint[], ?::integer[])
            AS d(config_code, settled_count, settled_amount, rejected_count)
          WHERE r.config_code = d.config_code
          RETURNING r.config_code, r.settle_batches, d.settled_count)
        INSERT INTO rain_batches (config_code, batch_no, xact)
        SELECT config_code, settle_batches, pg_current_xact_id() FROM counted WHERE settled_count > 0""";

    /**
     * Best luck: the highest amount; ties go to the earliest grab, then to the lowest packet id. LUCKY rains
     * only: equal shares have no luckiest one.
     */
    static final String RAISE_BEST_LUCK = """
        UPDATE rains r SET best_luck_user = b.user_id, best_luck_amount = b.amount,
                           best_luck_packet = b.packet_id, best_luck_at = b.occurred_at::timestamptz
        FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])
          AS b(config_code, user_id, amount, packet_id, occurred_at)
        WHERE r.config_code = b.config_code AND r.mode = 'LUCKY'
          AND (r.best_luck_amount IS NULL
               OR b.amount > r.best_luck_amount
               OR (b.amount = r.best_luck_amount AND b.occurred_at::timestamptz < r.best_luck_at)
               OR (b.amount = r.best_luck_amount AND b.occurred_at::timestamptz = r.best_luck_at
                   AND b.packet_id COLLATE "C" < r.best_luck_packet COLLATE "C"))""";

    /** Only reached when the journal lacks the refund, i.e. a ledger rebuilt from the topic. */
    private static final String FINISH_BY_REFUND = """
        UPDATE rains r SET status = 'FINISHED', refunded_amount = f.amount,
                           finished_at = coalesce(r.finished_at, f.finished_at::timestamptz)
        FROM unnest(?::text[], ?::bigint[], ?::text[]) AS f(config_code, amount, finished_at)
        WHERE r.config_code = f.config_code""";

    /** Per rain: what this batch settled, and how many of its refusals left a packet uncredited. */
    record Counters(String configCode, int settledCount, long settledAmount, int rejectedCount) {

        Counters plus(Counters other) {
            return new Counters(configCode, settledCount + other.settledCount,
                Math.addExact(settledAmount, other.settledAmount), rejectedCount + other.rejectedCount);
        }
    }

    /** What {@code credited} settled, per rain, in code order. */
    static SortedMap<String, Counters> settled(List<Claim> credited) {
        SortedMap<String, Counters> counters = new TreeMap<>();
        for (Claim grab : credited) {
            counters.merge(grab.configCode(), new Counters(grab.configCode(), 1, grab.amount(), 0), Counters::plus);
        }
        return counters;
    }

    private RainRows() {
    }

    static Map<String, LockedRain> lock(Connection c, SortedSet<String> configCodes) throws SQLException {
        if (configCodes.isEmpty()) {
            return new HashMap<>();
        }
        try (PreparedStatement lock = c.prepareStatement(LOCK)) {
            bindLock(lock, 1, configCodes);
            try (ResultSet rs = lock.executeQuery()) {
                return locked(rs);
            }
        }
    }

    /** Binds {@link #LOCK}'s parameter at {@code at}; returns the index after it. */
    static int bindLock(PreparedStatement statement, int at, SortedSet<String> configCodes) throws SQLException {
        statement.setObject(at, PgArrays.text(configCodes));
        return at + 1;
    }

    /** The rows {@link #LOCK} returned, by code. */
    static Map<String, LockedRain> locked(ResultSet rs) throws SQLException {
        Map<String, LockedRain> rains = new HashMap<>();
        while (rs.next()) {
            rains.put(rs.getString(1), new LockedRain(rs.getString(1), rs.getString(2),
                RainStatus.valueOf(rs.getString(3)), rs.getInt(4)));
        }
        return rains;
    }

    static void addCounters(Connection c, Collection<Counters> counters) throws SQLException {
        if (counters.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(ADD_COUNTERS)) {
            bindCounters(update, 1, counters);
            update.executeUpdate();
        }
    }

    static int bindCounters(PreparedStatement update, int at, Collection<Counters> counters) throws SQLException {
        update.setObject(at, PgArrays.text(counters, Counters::configCode));
        update.setObject(at + 1, PgArrays.integer(counters, Counters::settledCount));
        update.setObject(at + 2, PgArrays.bigint(counters, Counters::settledAmount));
        update.setObject(at + 3, PgArrays.integer(counters, Counters::rejectedCount));
        return at + 4;
    }

    /** @param best at most one grab per rain: the batch's best of that rain */
    static void raiseBestLuck(Connection c, List<Claim> best) throws SQLException {
        if (best.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(RAISE_BEST_LUCK)) {
            bindBestLuck(update, 1, best);
            update.executeUpdate();
        }
    }

    static int bindBestLuck(PreparedStatement update, int at, List<Claim> best) throws SQLException {
        update.setObject(at, PgArrays.text(best, Claim::configCode));
        update.setObject(at + 1, PgArrays.text(best, Claim::userId));
        update.setObject(at + 2, PgArrays.bigint(best, Claim::amount));
        update.setObject(at + 3, PgArrays.text(best, Claim::bizId));
        update.setObject(at + 4, PgArrays.timestamps(best, Claim::occurredAt));
        return at + 5;
    }

    static void finishByRefunds(Connection c, List<Claim> refunds) throws SQLException {
        if (refunds.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(FINISH_BY_REFUND)) {
            update.setObject(1, PgArrays.text(refunds, Claim::configCode));
            update.setObject(2, PgArrays.bigint(refunds, Claim::amount));
            update.setObject(3, PgArrays.timestamps(refunds, Claim::occurredAt));
            update.executeUpdate();
        }
    }
}
