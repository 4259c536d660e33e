package dev.rain.api.ratelimit;

import dev.rain.api.config.RateLimitConfig;
import dev.rain.api.http.Problems;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three abuse limits, all kept in Redis by GCRA so every API instance sees the same buckets: per
 * client address on every /v1 request and a small budget of RAIN_NOT_FOUND answers per client address
 * so that codes cannot be enumerated (both by rate-limit.lua, here), and per viewer per rain on grabs,
 * which the grab script charges itself in the same step as the grab (one round trip per tap, not two;
 * this class gives it the limit and answers its refusals). There is no way around them but
 * configuration: tests and benchmarks raise the numbers.
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
        for (String limit : List.of("ip", "unknown_code", "grab")) {
            Counter.builder("rain.rate.limited").tag("limit", limit).register(metrics);
            Counter.builder("rain.rate.limiter.errors").tag("limit", limit).register(metrics);
        }
    }

    /**
     * Route handler of every /v1 request, before authentication so that token guessing is limited
     * too. A request that names a rain is also refused while its address has spent its unknown-code
     * budget, whether the code exists or not: otherwise the difference would still tell.
     *
     * <p>Fails open: if Redis cannot answer, the request goes on (logged and counted). Money never
     * depends on this limit, and failing closed would turn a Redis blip into an outage of every
     * route, reads from Postgres included.
     */
    public void perIp(RoutingContext ctx) {
        String ip = clientIp(ctx);
        boolean namesARain = namesARain(ctx.normalizedPath());
        leases.admit(AddressLeases.key(ip, namesARain), take -> addressCall(ip, namesARain, take)).onComplete(done -> {
            if (done.failed() || done.result().allowed()) {
                // Failed: Redis could not answer; counted and logged once per call, by addressCall.
                ctx.next();
            } else {
                String limit = done.result().refused() == 0 ? "ip" : "unknown_code";
                refuse(ctx, limit, done.result(), limit.equals("ip")
                    ? "too many requests from your address" : "too many unknown rain codes from your address");
            }
        });
    }

    /** One call for an address's lease, shared by the requests waiting for it. */
    private Future<GcraScript.Verdict> addressCall(String ip, boolean namesARain, int take) {
        return script.check(addressBuckets(ip, namesARain, take))
            .onFailure(failure -> failedOpen("ip", failure))
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
     * Failure handler of /v1: a RAIN_NOT_FOUND answer spends one of the address's unknown-code budget;
     * the one that finds it spent is answered 429 instead. Fails open like {@link #perIp}.
     */
    public void unknownCode(RoutingContext ctx) {
        if (!(ctx.failure() instanceof RainException rain) || rain.code() != ErrorCode.RAIN_NOT_FOUND) {
            ctx.next();
            return;
        }
        script.check(List.of(unknownCodeBudget(clientIp(ctx), 1))).onComplete(done -> {
            if (done.failed()) {
                failedOpen("unknown_code", done.cause());
                ctx.next();
            } else if (done.result().allowed()) {
                ctx.next();
            } else {
                blockRainPaths(clientIp(ctx), done.result());
                refuse(ctx, "unknown_code", done.result(), "too many unknown rain codes from your address");
            }
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

    /** The grab script refused a tap: 429 with how long to wait. */
    public RainException tapRefused(RoutingContext ctx, long retryAfterMicros) {
        count("rain.rate.limited", "grab");
        ctx.response().putHeader("Retry-After", Long.toString(Limit.retryAfterSeconds(retryAfterMicros)));
        return new RainException(ErrorCode.RATE_LIMITED, "too many grabs; wait before tapping again");
    }

    /**
     * The grab script could not run, so the tap could not be charged: 503, fail closed. A grab needs Redis
     * anyway, so refusing costs an honest viewer nothing that the grab itself would not. (Money is safe
     * either way: the script caps each viewer at maxGrabsPerUser, and a grab whose answer was lost after
     * the script ran is still relayed from the outbox and credited.)
     */
    public RainException grabUnavailable(RoutingContext ctx, Throwable failure) {
        count("rain.rate.limiter.errors", "grab");
        warn("grab", failure);
        ctx.response().putHeader("Retry-After", "1");
        return new RainException(ErrorCode.UNAVAILABLE, "grabs cannot be checked right now; try again");
    }

    private String clientIp(RoutingContext ctx) {
        return ClientIp.of(ctx, config.trustedProxies());
    }

    /** Every /v1/rains/{code}... route names a rain; POST /v1/rains does not. */
    private static boolean namesARain(String path) {
        return path != null && path.startsWith("/v1/rains/") && path.length() > "/v1/rains/".length();
    }

    private void refuse(RoutingContext ctx, String limit, GcraScript.Verdict verdict, String detail) {
        count("rain.rate.limited", limit);
        ctx.response().putHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
        Problems.send(ctx, ErrorCode.RATE_LIMITED, detail, null);
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
                limit.equals("grab") ? "fails closed" : "fails open", failure.toString());
        }
    }
}
