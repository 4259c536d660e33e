package dev.rain.api.rain;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.RainSql;
import dev.rain.common.RainStatus;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rains as the grab path sees them, kept for a moment so a room tapping at once costs Postgres one read
 * per second per instance, not one per tap. Concurrent misses share one load.
 *
 * <p>Staleness is bounded and safe: the grab script checks the window and the closed flag in Redis
 * itself, so a stale entry can only answer "not started" a moment too long, never take a packet it
 * should not.
 */
public final class RainCache {

    private record Entry(Future<Optional<RainRecord>> rain, long expiresAtNanos) {
    }

    private static final long LIVE_TTL_NANOS = 1_000_000_000L;
    private static final long FINISHED_TTL_NANOS = 60_000_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    private final LedgerExecutor ledger;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public RainCache(LedgerExecutor ledger) {
        this.ledger = ledger;
    }

    public Future<Optional<RainRecord>> get(String configCode) {
        long now = System.nanoTime();
        Entry entry = entries.get(configCode);
        if (entry != null && now < entry.expiresAtNanos && !entry.rain.failed()) {
            return entry.rain;
        }
        if (entries.size() > MAX_ENTRIES) {
            entries.clear();
        }
        Future<Optional<RainRecord>> load = ledger.transaction(c -> RainSql.find(c, configCode));
        Entry fresh = new Entry(load, now + LIVE_TTL_NANOS);
        entries.put(configCode, fresh);
        // Once loaded, the entry holds a future of no context. The load's own future belongs to the event loop
        // that missed, and Vert.x runs every callback on a completed future on its context: every tap served on
        // another event loop hopped to that one and back (a wake-up and a handover each), which kept about a
        // tenth of the machine idle under taps after a sell-out.
        load.onSuccess(rain -> entries.replace(configCode, fresh, new Entry(Future.succeededFuture(rain),
            rain.isPresent() && rain.get().status() == RainStatus.FINISHED
                ? System.nanoTime() + FINISHED_TTL_NANOS : fresh.expiresAtNanos)));
        return load;
    }

    /** This instance changed the rain: the next read goes to the database. */
    public void invalidate(String configCode) {
        entries.remove(configCode);
    }
}
