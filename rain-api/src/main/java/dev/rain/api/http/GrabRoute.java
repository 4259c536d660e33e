package dev.rain.api.http;

import dev.rain.api.metrics.GrabMeters;
import dev.rain.api.rain.GrabOutcome;
import dev.rain.api.rain.GrabService;
import dev.rain.api.rain.RainCache;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The hot path: a viewer taps. */
final class GrabRoute {

    private static final Set<String> FIELDS = Set.of("roomId");

    private final RainCache cache;
    private final GrabService grabs;
    private final RateLimitHandlers limits;
    private final GrabMeters meters;

    GrabRoute(RainCache cache, GrabService grabs, RateLimitHandlers limits, GrabMeters meters) {
        this.cache = cache;
        this.grabs = grabs;
        this.limits = limits;
        this.meters = meters;
    }

    void mount(Router router) {
        router.post("/v1/rains/:code/grab").handler(this::grab);
    }

    private void grab(RoutingContext ctx) {
        long started = System.nanoTime();
        attempt(ctx)
            .onSuccess(body -> {
                meters.answered(started, body.getString("outcome"));
                ctx.response().putHeader("Content-Type", "application/json").end(body.toBuffer());
            })
            .onFailure(failure -> {
                meters.refused(started, failure);
                ctx.fail(failure);
            });
    }

    private Future<JsonObject> attempt(RoutingContext ctx) {
        try {
            return take(ctx);
        } catch (RuntimeException refused) {
            return Future.failedFuture(refused);
        }
    }

    private Future<JsonObject> take(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.VIEWER);
        Responses.requireJsonBody(ctx, true);
        String code = RainRoutes.code(ctx);
        String roomId = grabRequest(ctx.body().buffer());
        // The viewer's tap rate is charged by the grab script itself, in the same round trip.
        return cache.get(code)
            .compose(rain -> grabs.grab(rain.orElseThrow(() ->
                    new RainException(ErrorCode.RAIN_NOT_FOUND, "no such rain")), roomId, caller.userId())
                .recover(failure -> Future.failedFuture(failure instanceof RainException
                    ? failure : limits.grabUnavailable(ctx, failure))))
            .compose(outcome -> answer(ctx, outcome));
    }

    /** Reads and validates a grab body: the room the viewer is in. Fuzzed. */
    static String grabRequest(Buffer raw) {
        return JsonBody.parse(raw, FIELDS).requiredString("roomId", Ids::isRoomId, "1 to 64 characters of A-Z a-z 0-9 _ . : -");
    }

    private Future<JsonObject> answer(RoutingContext ctx, GrabOutcome outcome) {
        return switch (outcome.kind()) {
            case RATE_LIMITED -> Future.failedFuture(limits.tapRefused(ctx, outcome.retryAfterMicros()));
            case NOT_STARTED -> Future.failedFuture(new RainException(ErrorCode.NOT_STARTED, "the rain has not started yet"));
            case ENDED -> Future.failedFuture(new RainException(ErrorCode.ENDED, "the rain is over"));
            case WON -> Future.succeededFuture(new JsonObject().put("outcome", "WON").put("amount", outcome.amount())
                .put("packetId", outcome.packetId()));
            default -> Future.succeededFuture(new JsonObject().put("outcome", outcome.kind().name()));
        };
    }
}
