package dev.rain.api.ratelimit;

import dev.rain.api.config.RateLimitConfig;
import dev.rain.api.config.TrustedProxies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three abuse limits, all kept in Redis by GCRA so every API instance sees the same buckets: per
 * client address on every /v1 request and a small budget of RAIN_NOT_FOUND answers per client address
 * so that codes cannot be enumerated (both by rate-limit.lua, here), and per viewer per rain on grabs,
 * which the grab script charges itself in the same step as the grab (one round trip per tap, not two;
 * this class gives it the limit and counts its refusals). There is no way around them but
 * configuration: tests and benchmarks raise the numbers. The rules only: http/ turns a refusal into an answer.
 */
public final class RequestLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLimiter.class);
    private static final long WARN_EVERY_MILLIS = 10_000;

    private final GcraScript script;
    private final RateLimitConfig config;
    private final Limit perIp;
    private final Limit perViewer;
    private final Limit unknownCodes;
    private final MeterRegistry metrics;
    private final AtomicLong lastWarning = new AtomicLong();
    private final AddressLeases leases = new AddressLeases();
    private final ConnectionCaps connections;

    public RequestLimiter(io.vertx.redis.client.Redis redis, RateLimitConfig config, MeterRegistry metrics) {
        this.script = new GcraScript(redis);
        this.config = config;
        this.perIp = Limit.perSecond(config.ipPerSecond(), config.ipBurst());
        this.perViewer = Limit.perSecond(config.grabPerViewerPerSecond(), config.grabPerViewerBurst());
        this.unknownCodes = Limit.perMinute(config.unknownCodePerIpPerMinute(), config.unknownCodePerIpPerMinute());
        this.metrics = metrics;
        this.connections = new ConnectionCaps(config, metrics);
        // Registered up front so that dashboards see zeros rather than no series before the first refusal.
        for (String limit : List.of(Refusal.ADDRESS, Refusal.UNKNOWN_CODE, Refusal.GRAB)) {
            Counter.builder("rain.rate.limited").tag("limit", limit).register(metrics);
            Counter.builder("rain.rate.limiter.errors").tag("limit", limit).register(metrics);
        }
    }

    /**
     * Charges an address's request budget; a request that names a rain is also refused while its address has
     * spent its unknown-code budget, whether the code exists or not: otherwise the difference would still tell.
     * Empty when the request may go on.
     *
     * <p>Fails open: if Redis cannot answer, the request goes on (logged and counted). Money never
     * depends on this limit, and failing closed would turn a Redis blip into an outage of every
     * route, reads from Postgres included.
     */
    public Future<Optional<Refusal>> chargeAddress(String ip, boolean namesARain) {
        // A failed call is counted and logged once per call, by addressCall, however many requests shared it.
        return leases.admit(AddressLeases.key(ip, namesARain), take -> addressCall(ip, namesARain, take))
            .map(verdict -> verdict.allowed() ? Optional.<Refusal>empty()
                : Optional.of(refused(verdict.refused() == 0 ? Refusal.ADDRESS : Refusal.UNKNOWN_CODE, verdict)))
            .otherwise(Optional.empty());
    }

    /** One call for an address's lease, shared by the requests waiting for it. */
    private Future<GcraScript.Verdict> addressCall(String ip, boolean namesARain, int take) {
        return script.check(addressBuckets(ip, namesARain, take))
            .onFailure(failure -> failedOpen(Refusal.ADDRESS, failure))
            .onSuccess(verdict -> {
                if (verdict.refused() > 0) {
                    blockRainPaths(ip, verdict);
                }
            });
    }

    /** The address's request bucket, taking {@code take}, and for a request naming a rain its unknown-code budget. */
    private List<GcraScript.Bucket> addressBuckets(String ip, boolean namesARain, int take) {
        GcraScript.Bucket requests = new GcraScript.Bucket(addressKey(ip, "requests"), perIp, take);
        return namesARain ? List.of(requests, unknownCodeBudget(ip, 0)) : List.of(requests);
    }

    /** The address's unknown-code budget, spending {@code take} (0 only looks). */
    private GcraScript.Bucket unknownCodeBudget(String ip, int take) {
        return new GcraScript.Bucket(addressKey(ip, "unknown-codes"), unknownCodes, take);
    }

    /** An address's bucket key: tagged by the address, so on Redis Cluster an address's buckets share a slot. */
    private static String addressKey(String ip, String bucket) {
        return "ratelimit:{ip:" + ip + "}:" + bucket;
    }

    /** This instance stops leasing the address's requests that name a rain while its unknown-code budget refills. */
    private void blockRainPaths(String ip, GcraScript.Verdict verdict) {
        leases.block(AddressLeases.key(ip, true), System.nanoTime() + verdict.retryAfterMicros() * 1_000);
    }

    /**
     * A RAIN_NOT_FOUND answer spends one of the address's unknown-code budget; the one that finds it spent is
     * refused instead. Fails open like {@link #chargeAddress}.
     */
    public Future<Optional<Refusal>> spendUnknownCode(String ip) {
        return script.check(List.of(unknownCodeBudget(ip, 1)))
            .map(verdict -> {
                if (verdict.allowed()) {
                    return Optional.<Refusal>empty();
                }
                blockRainPaths(ip, verdict);
                return Optional.of(refused(Refusal.UNKNOWN_CODE, verdict));
            })
            .recover(failure -> {
                failedOpen(Refusal.UNKNOWN_CODE, failure);
                return Future.succeededFuture(Optional.empty());
            });
    }

    /** The caps on open connections and WebSockets of this instance. */
    public ConnectionCaps connections() {
        return connections;
    }

    /** A viewer's tap rate on one rain, charged by the grab script. */
    public Limit tapRate() {
        return perViewer;
    }

    /** The grab script refused a tap: counted, and how long to wait. */
    public Refusal tapRefused(long retryAfterMicros) {
        count("rain.rate.limited", Refusal.GRAB);
        return new Refusal(Refusal.GRAB, Limit.retryAfterSeconds(retryAfterMicros));
    }

    /**
     * The grab script could not run, so the tap could not be charged: counted and logged, and the grab fails
     * closed. A grab needs Redis anyway, so refusing costs an honest viewer nothing that the grab itself would
     * not. (Money is safe either way: the script caps each viewer at maxGrabsPerUser, and a grab whose answer
     * was lost after the script ran is still relayed from the outbox and credited.)
     */
    public void grabUnavailable(Throwable failure) {
        count("rain.rate.limiter.errors", Refusal.GRAB);
        warn(Refusal.GRAB, failure);
    }

    /** The proxies whose {@code X-Forwarded-For} is believed when a request's client address is resolved. */
    public TrustedProxies trustedProxies() {
        return config.trustedProxies();
    }

    private Refusal refused(String limit, GcraScript.Verdict verdict) {
        count("rain.rate.limited", limit);
        return new Refusal(limit, verdict.retryAfterSeconds());
    }

    private void failedOpen(String limit, Throwable failure) {
        count("rain.rate.limiter.errors", limit);
        warn(limit, failure);
    }

    private void count(String name, String limit) {
        Counter.builder(name).tag("limit", limit).register(metrics).increment();
    }

    /** At most one warning every 10 s: an outage must not also flood the log. */
    private void warn(String limit, Throwable failure) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MILLIS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("rate limiter unavailable ({} limit {}): {}", limit,
                limit.equals(Refusal.GRAB) ? "fails closed" : "fails open", failure.toString());
        }
    }
}
