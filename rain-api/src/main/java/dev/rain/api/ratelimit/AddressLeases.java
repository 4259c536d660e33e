package dev.rain.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Requests an address has already been charged for in Redis and may send through this instance
 * without asking again: a lease, good for a moment.
 *
 * <p>Why: the per-address limit was one Redis script call per request, the same cost as the grab
 * itself. An address that sends one request at a time still asks Redis for one at a time; an address
 * whose lease ran out while still valid (many viewers behind one carrier NAT, a load test) asks for
 * twice as many next time, up to {@link #MAX_LEASE}, so a hot address costs one call per many
 * requests. The lease is taken from the shared bucket before it is used, so the limit is never
 * exceeded across instances. What a lease leaves unused when it lapses is lost to the address, so a
 * lease only doubles when the last one ran out within half its validity (at the same pace, twice as
 * many would still be used in time), and halves when one lapses.
 *
 * <p>A hot address renews its lease before it runs out: when a lease of at least {@link #MIN_PREFETCH} is down to a
 * quarter, the request that took it there asks Redis for the next one in the background (one renewal in flight
 * per lease), so the address's requests do not stop and wait for Redis every time a lease is spent. The renewal
 * is charged to the shared bucket like any lease, so the limit holds the same.
 *
 * <p>Requests that name a rain lease separately, since their call also looks at the address's
 * unknown-code budget; once that budget is found spent here, they ask Redis every time until it refills.
 */
final class AddressLeases {

    static final int MAX_LEASE = 256;
    /** Smaller leases are not renewed ahead: at their pace a renewal would mostly lapse unused. */
    static final int MIN_PREFETCH = 8;
    private static final long LEASE_NANOS = 50_000_000L;
    /** Addresses remembered at once; beyond, the least valuable are forgotten (a forgotten one asks Redis again). */
    static final long MAX_ENTRIES = 100_000;
    /**
     * Longer than any lease and than the unknown-code block this instance remembers for an address (a minute at the
     * least strict budget): an idle address's entry is dropped only when nothing in it still matters.
     */
    private static final Duration IDLE = Duration.ofMinutes(2);

    private static final class Lease {
        int remaining;
        long grantedAt;
        long expiresAt;
        int size = 1;
        long blockedUntil;
        boolean blocked;
        boolean renewing;
    }

    private final Cache<String, Lease> leases;

    AddressLeases() {
        this(MAX_ENTRIES);
    }

    AddressLeases(long maxEntries) {
        // Caffeine's size bound evicts by frequency and recency, so a flood of one-off addresses does not push out a
        // hot one (a carrier NAT's), where a plain map wiped at a size would forget every lease at once.
        this.leases = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterAccess(IDLE).build();
    }

    static String key(String address, boolean namesARain) {
        return namesARain ? address + " rain" : address;
    }

    /** Takes one request from the lease; false when it is spent, lapsed or blocked: ask Redis. */
    boolean tryTake(String key, long nowNanos) {
        Lease lease = leases.getIfPresent(key);
        if (lease == null) {
            return false;
        }
        synchronized (lease) {
            if (lease.remaining > 0 && nowNanos - lease.expiresAt < 0 && !blockedAt(lease, nowNanos)) {
                lease.remaining--;
                return true;
            }
            return false;
        }
    }

    /**
     * After a request was taken from the lease: how many requests to renew it by in the background, or 0 when no
     * renewal is due (the lease is above a quarter, small, blocked, or already renewing). A lease that came down
     * to a quarter within half its validity asks for twice its size, up to the cap. The caller must answer with
     * {@link #renewed} or {@link #renewalFailed}.
     */
    int renewal(String key, long nowNanos) {
        Lease lease = leases.getIfPresent(key);
        if (lease == null) {
            return 0;
        }
        synchronized (lease) {
            if (lease.renewing || lease.size < MIN_PREFETCH || lease.remaining > lease.size / 4
                || blockedAt(lease, nowNanos)) {
                return 0;
            }
            if (nowNanos - lease.grantedAt < LEASE_NANOS / 2) {
                lease.size = Math.min(MAX_LEASE, lease.size * 2);
            }
            lease.renewing = true;
            return lease.size;
        }
    }

    /** A background renewal was granted {@code granted} requests, all of them for the lease. */
    void renewed(String key, int granted, long nowNanos) {
        Lease lease = lease(key);
        synchronized (lease) {
            lease.renewing = false;
            if (!blockedAt(lease, nowNanos)) {
                extend(lease, granted, nowNanos);
            }
        }
    }

    /** A background renewal was refused or could not reach Redis: the lease runs down, then requests ask. */
    void renewalFailed(String key) {
        Lease lease = lease(key);
        synchronized (lease) {
            lease.renewing = false;
        }
    }

    /**
     * How many requests to ask Redis for: twice the last lease if it ran out within half its validity,
     * half if it lapsed, the same otherwise.
     */
    int askFor(String key, long nowNanos) {
        Lease lease = leases.getIfPresent(key);
        if (lease == null) {
            return 1;
        }
        synchronized (lease) {
            if (blockedAt(lease, nowNanos)) {
                return 1;
            }
            if (nowNanos - lease.expiresAt >= 0) {
                lease.size = Math.max(1, lease.size / 2);
            } else if (lease.remaining == 0 && nowNanos - lease.grantedAt < LEASE_NANOS / 2) {
                lease.size = Math.min(MAX_LEASE, lease.size * 2);
            }
            return lease.size;
        }
    }

    /**
     * Redis granted {@code granted} requests: one is the current request's, the rest are leased, on top
     * of what is left of a lease still valid (requests that missed together each asked).
     */
    void granted(String key, int granted, long nowNanos) {
        Lease lease = lease(key);
        synchronized (lease) {
            extend(lease, Math.max(0, granted - 1), nowNanos);
        }
    }

    private static void extend(Lease lease, int leased, long nowNanos) {
        int left = nowNanos - lease.expiresAt < 0 ? lease.remaining : 0;
        lease.remaining = left + leased;
        lease.grantedAt = nowNanos;
        lease.expiresAt = nowNanos + LEASE_NANOS;
    }

    /** The address's unknown-code budget is spent for this long: its requests naming a rain ask Redis. */
    void block(String key, long untilNanos) {
        Lease lease = lease(key);
        synchronized (lease) {
            lease.remaining = 0;
            lease.size = 1;
            lease.blocked = true;
            lease.blockedUntil = untilNanos;
        }
    }

    private static boolean blockedAt(Lease lease, long nowNanos) {
        if (lease.blocked && nowNanos - lease.blockedUntil >= 0) {
            lease.blocked = false;
        }
        return lease.blocked;
    }

    private Lease lease(String key) {
        return leases.get(key, k -> new Lease());
    }

    /** Addresses remembered now, once pending evictions are done. */
    long size() {
        leases.cleanUp();
        return leases.estimatedSize();
    }
}
