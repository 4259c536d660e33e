package dev.rain.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Requests an address has already been charged for in Redis and may send through this instance
 * without asking again: a lease, good for a moment.
 *
 * <p>Why: the per-address limit was one Redis script call per request, the same cost as the grab
 * itself. Many viewers behind one carrier NAT tap together, so an address's requests often miss its
 * lease together. They share one call: while a key's call is in flight, the requests that find no lease
 * wait for it instead of asking too, and the call that follows asks for all of them at once. A burst is
 * so charged what it sends, whatever the burst limit.
 *
 * <p>A lease holds more than the requests waiting only for an address that has kept up a rate: the
 * smaller of its last two windows' requests (a window lasts as long as a lease is valid), so a steady
 * hot address costs one call per window while a one-off burst gets no leftovers to lose. A lease is
 * renewed in the background when a request takes it down to a quarter of its last grant, so such an
 * address's requests do not stop and wait for Redis each time a lease is spent. Every lease is taken from
 * the shared bucket before it is used, so the limit is never exceeded across instances; what a lease
 * leaves unused when it lapses is lost to the address.
 *
 * <p>Requests that name a rain lease separately, since their call also looks at the address's
 * unknown-code budget; once that budget is found spent here, they ask Redis (still one call at a time,
 * for those waiting) until it refills.
 */
final class AddressLeases {

    static final int MAX_LEASE = 256;
    /** A rate below this many requests a window is not renewed ahead: a renewal would mostly lapse unused. */
    static final int MIN_PREFETCH = 8;
    static final long LEASE_NANOS = 50_000_000L;
    /** Addresses remembered at once; beyond, the least valuable are forgotten (a forgotten one asks Redis again). */
    static final long MAX_ENTRIES = 100_000;
    /**
     * Longer than any lease and than the unknown-code block this instance remembers for an address (a minute at the
     * least strict budget): an idle address's entry is dropped only when nothing in it still matters.
     */
    private static final Duration IDLE = Duration.ofMinutes(2);

    /** The verdict of a request served from a lease: allowed, one request. */
    static final GcraScript.Verdict ALLOWED = new GcraScript.Verdict(-1, 0, 1);
    private static final Future<GcraScript.Verdict> SERVED = Future.succeededFuture(ALLOWED);

    /** A request waiting for its key's call, answered on its own event loop. */
    private record Waiter(Context context, Promise<GcraScript.Verdict> answer) {

        void complete(AsyncResult<GcraScript.Verdict> result) {
            if (context == null) {
                answer.handle(result);
            } else {
                context.runOnContext(v -> answer.handle(result));
            }
        }
    }

    private static final class Lease {
        int remaining;
        long expiresAt;
        int lastGrant;
        long blockedUntil;
        boolean blocked;
        long windowStart;
        int windowCount;
        int lastWindow;
        int windowBefore;
        /** The requests waiting for the key's call in flight; null when no call is in flight. */
        ArrayDeque<Waiter> waiting;
        IntFunction<Future<GcraScript.Verdict>> call;

        Lease(long nowNanos) {
            this.windowStart = nowNanos;
        }
    }

    private final Cache<String, Lease> leases;
    private final LongSupplier clock;

    AddressLeases() {
        this(MAX_ENTRIES, System::nanoTime);
    }

    AddressLeases(long maxEntries, LongSupplier clock) {
        // Caffeine's size bound evicts by frequency and recency, so a flood of one-off addresses does not push out a
        // hot one (a carrier NAT's), where a plain map wiped at a size would forget every lease at once. An entry
        // evicted while its call is in flight still answers its waiters; the key's next request starts afresh.
        // Evictions run on the caller's thread (a few field updates), so the bound holds at once, not whenever a
        // pool thread gets to it on a busy machine.
        this.leases = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(IDLE).executor(Runnable::run)
            .build();
        this.clock = clock;
    }

    static String key(String address, boolean namesARain) {
        return namesARain ? address + " rain" : address;
    }

    /**
     * Admits one request of {@code key}: from its lease when it holds one (renewing it in the background when due),
     * otherwise once the key's call to Redis answers, the one in flight or one started now with {@code call} (given
     * how many requests to ask for). Completes with {@link #ALLOWED}, with the refusing verdict, or failed when
     * Redis could not answer.
     */
    Future<GcraScript.Verdict> admit(String key, IntFunction<Future<GcraScript.Verdict>> call) {
        long now = clock.getAsLong();
        Lease lease = leases.get(key, k -> new Lease(now));
        Promise<GcraScript.Verdict> answer;
        int ask;
        synchronized (lease) {
            count(lease, now);
            if (lease.remaining > 0 && now - lease.expiresAt < 0 && !blockedAt(lease, now)) {
                lease.remaining--;
                ask = renewalDue(lease, now) ? startCall(lease, call, now) : 0;
                answer = null;
            } else {
                answer = Promise.promise();
                boolean inFlight = lease.waiting != null;
                if (!inFlight) {
                    lease.waiting = new ArrayDeque<>();
                }
                lease.waiting.add(new Waiter(Vertx.currentContext(), answer));
                ask = inFlight ? 0 : startCall(lease, call, now);
            }
        }
        if (ask > 0) {
            run(lease, ask);
        }
        return answer == null ? SERVED : answer.future();
    }

    /** The address's unknown-code budget is spent for this long: its requests naming a rain ask Redis. */
    void block(String key, long untilNanos) {
        Lease lease = leases.get(key, k -> new Lease(clock.getAsLong()));
        synchronized (lease) {
            lease.remaining = 0;
            lease.blocked = true;
            lease.blockedUntil = untilNanos;
        }
    }

    /** Addresses remembered now, once pending evictions are done. */
    long size() {
        leases.cleanUp();
        return leases.estimatedSize();
    }

    /** Counts a request into the key's rate: requests per window, for the last two whole windows. */
    private static void count(Lease lease, long now) {
        long elapsed = now - lease.windowStart;
        if (elapsed >= LEASE_NANOS) {
            boolean adjacent = elapsed < 2 * LEASE_NANOS;
            lease.windowBefore = adjacent ? lease.lastWindow : 0;
            lease.lastWindow = adjacent ? lease.windowCount : 0;
            lease.windowStart = now;
            lease.windowCount = 0;
        }
        lease.windowCount++;
    }

    /** Requests a window the key has kept up: the smaller of its last two, so a one-off burst is no rate. */
    private static int sustained(Lease lease) {
        return Math.min(lease.lastWindow, lease.windowBefore);
    }

    private static boolean renewalDue(Lease lease, long now) {
        return lease.waiting == null && sustained(lease) >= MIN_PREFETCH && lease.remaining <= lease.lastGrant / 4
            && sustained(lease) > lease.remaining && !blockedAt(lease, now);
    }

    /** Marks a call in flight for the lease and says how many requests it asks for. Under the lease's lock. */
    private static int startCall(Lease lease, IntFunction<Future<GcraScript.Verdict>> call, long now) {
        if (lease.waiting == null) {
            lease.waiting = new ArrayDeque<>();
        }
        lease.call = call;
        return askFor(lease, now);
    }

    /**
     * Every request waiting, and enough on top for a lease of the key's sustained rate for one window; no more than
     * waits while its rain paths are blocked (no lease is kept then).
     */
    private static int askFor(Lease lease, long now) {
        int waiting = lease.waiting.size();
        if (blockedAt(lease, now)) {
            return Math.max(1, Math.min(MAX_LEASE, waiting));
        }
        int left = now - lease.expiresAt < 0 ? lease.remaining : 0;
        return Math.max(1, Math.min(MAX_LEASE, Math.max(waiting, sustained(lease) - left)));
    }

    private void run(Lease lease, int ask) {
        Future<GcraScript.Verdict> reply;
        try {
            reply = lease.call.apply(ask);
        } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
        }
        reply.onComplete(done -> settle(lease, done));
    }

    /**
     * The key's call answered: a grant goes to the lease and serves the waiting requests in order; those it does not
     * cover wait for the next call, started at once. A refusal or a failure answers every waiting request alike.
     */
    private void settle(Lease lease, AsyncResult<GcraScript.Verdict> done) {
        long now = clock.getAsLong();
        List<Waiter> served = new ArrayList<>();
        Collection<Waiter> answeredAlike = List.of();
        int next = 0;
        synchronized (lease) {
            if (done.failed() || !done.result().allowed()) {
                answeredAlike = lease.waiting;
                lease.waiting = null;
            } else {
                int left = now - lease.expiresAt < 0 ? lease.remaining : 0;
                lease.remaining = left + done.result().granted();
                lease.lastGrant = done.result().granted();
                lease.expiresAt = now + LEASE_NANOS;
                ArrayDeque<Waiter> waiting = lease.waiting;
                while (!waiting.isEmpty() && lease.remaining > 0) {
                    served.add(waiting.poll());
                    lease.remaining--;
                }
                if (waiting.isEmpty()) {
                    lease.waiting = null;
                } else {
                    next = askFor(lease, now);
                }
            }
        }
        served.forEach(waiter -> waiter.complete(SERVED));
        answeredAlike.forEach(waiter -> waiter.complete(done));
        if (next > 0) {
            run(lease, next);
        }
    }

    private static boolean blockedAt(Lease lease, long nowNanos) {
        if (lease.blocked && nowNanos - lease.blockedUntil >= 0) {
            lease.blocked = false;
        }
        return lease.blocked;
    }
}
