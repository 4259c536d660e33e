package dev.rain.api.http;

import dev.rain.api.ratelimit.Refusal;
import dev.rain.api.ratelimit.RequestLimiter;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The abuse limits of {@link RequestLimiter} as route handlers: what each limit charges for a request, and a
 * refusal as 429 {@code RATE_LIMITED} with {@code Retry-After}.
 */
public final class RateLimitHandlers {

    private final RequestLimiter limiter;

    public RateLimitHandlers(RequestLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * Route handler of every /v1 request, before authentication so that token guessing is limited too; a
     * request that names a rain also looks at its address's unknown-code budget. Fails open, like the limiter.
     */
    void perIp(RoutingContext ctx) {
        limiter.chargeAddress(clientIp(ctx), namesARain(ctx.normalizedPath()))
            .onComplete(done -> answer(ctx, done.result()));
    }

    /**
     * Failure handler of /v1: a RAIN_NOT_FOUND answer spends one of the address's unknown-code budget; the one
     * that finds it spent is answered 429 instead.
     */
    void unknownCode(RoutingContext ctx) {
        if (!(ctx.failure() instanceof RainException rain) || rain.code() != ErrorCode.RAIN_NOT_FOUND) {
            ctx.next();
            return;
        }
        limiter.spendUnknownCode(clientIp(ctx)).onComplete(done -> answer(ctx, done.result()));
    }

    /** The grab script refused a tap: 429 with how long to wait. */
    RainException tapRefused(RoutingContext ctx, long retryAfterMicros) {
        retryAfter(ctx, limiter.tapRefused(retryAfterMicros).retryAfterSeconds());
        return new RainException(ErrorCode.RATE_LIMITED, "too many grabs; wait before tapping again");
    }

    /** The grab script could not run, so the tap could not be charged: 503, fail closed (see the limiter). */
    RainException grabUnavailable(RoutingContext ctx, Throwable failure) {
        limiter.grabUnavailable(failure);
        retryAfter(ctx, 1);
        return new RainException(ErrorCode.UNAVAILABLE, "grabs cannot be checked right now; try again");
    }

    private String clientIp(RoutingContext ctx) {
        return ClientAddress.of(ctx, limiter.trustedProxies());
    }

    /** Every /v1/rains/{code}... route names a rain; POST /v1/rains does not. */
    private static boolean namesARain(String path) {
        return path != null && path.startsWith("/v1/rains/") && path.length() > "/v1/rains/".length();
    }

    /**
     * On to the next handler when nothing refused, else the 429. The limiter fails open itself; a null (a failure
     * it did not expect) goes on too, since a request left unanswered would hold its connection until the deadline.
     */
    private static void answer(RoutingContext ctx, Optional<Refusal> refusal) {
        if (refusal == null || refusal.isEmpty()) {
            ctx.next();
            return;
        }
        retryAfter(ctx, refusal.get().retryAfterSeconds());
        Problems.send(ctx, ErrorCode.RATE_LIMITED, Refusal.ADDRESS.equals(refusal.get().limit())
            ? "too many requests from your address" : "too many unknown rain codes from your address", null);
    }

    private static void retryAfter(RoutingContext ctx, long seconds) {
        ctx.response().putHeader("Retry-After", Long.toString(seconds));
    }
}
