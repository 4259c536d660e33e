package dev.rain.api.http;

import dev.rain.api.config.RainLimits;
import dev.rain.common.ledger.NewRain;
import dev.rain.api.rain.RainService;
import dev.rain.common.RainMode;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** The anchor's lifecycle routes and the detail everyone reads. */
final class RainRoutes {

    private static final Set<String> CREATE_FIELDS = Set.of("roomId", "totalAmount", "totalCount", "mode",
        "maxGrabsPerUser", "countdownSeconds", "durationSeconds");

    private final RainService rains;
    private final RainLimits limits;

    RainRoutes(RainService rains, RainLimits limits) {
        this.rains = rains;
        this.limits = limits;
    }

    void mount(Router router) {
        router.post("/v1/rains").handler(this::create);
        // The contract gives prepare and start to the owning anchor alone; an admin may close, for moderation.
        router.post("/v1/rains/:code/prepare")
            .handler(ctx -> steer(ctx, false, (anchor, admin, code) -> rains.prepare(anchor, code)));
        router.post("/v1/rains/:code/start")
            .handler(ctx -> steer(ctx, false, (anchor, admin, code) -> rains.start(anchor, code)));
        router.post("/v1/rains/:code/close").handler(ctx -> steer(ctx, true, rains::close));
        router.get("/v1/rains/:code").handler(this::detail);
    }

    private void create(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.ANCHOR);
        Responses.requireJsonBody(ctx, true);
        NewRain rain = createRequest(caller.userId(), ctx.body().buffer(), limits);
        rains.create(rain)
            .onSuccess(detail -> Responses.json(ctx, 201, detail))
            .onFailure(ctx::fail);
    }

    /** Reads and validates a create body; refuses with a {@link RainException} naming the field. Fuzzed. */
    static NewRain createRequest(String anchorId, Buffer raw, RainLimits limits) {
        JsonBody body = JsonBody.parse(raw, CREATE_FIELDS);
        String roomId = body.requiredString("roomId", Ids::isRoomId, "1 to 64 characters of A-Z a-z 0-9 _ . : -");
        int totalCount = (int) body.requiredLong("totalCount", 1, limits.maxTotalCount());
        long totalAmount = body.requiredLong("totalAmount", 1, limits.maxTotalAmount());
        if (totalAmount < totalCount) {
            throw new FieldException("totalAmount", "totalAmount must be at least totalCount (1 cent a packet)");
        }
        return new NewRain(
            Ids.newConfigCode(),
            roomId,
            anchorId,
            body.optionalEnum("mode", RainMode.class, RainMode.LUCKY),
            totalAmount,
            totalCount,
            (int) body.optionalLong("maxGrabsPerUser", limits.defaultMaxGrabsPerUser(), 1, limits.maxGrabsPerUserLimit()),
            (int) body.optionalLong("countdownSeconds", limits.defaultCountdownSeconds(), 0, limits.maxCountdownSeconds()),
            (int) body.optionalLong("durationSeconds", limits.defaultDurationSeconds(), 1, limits.maxDurationSeconds()));
    }

    @FunctionalInterface
    private interface Steering {
        Future<?> apply(String callerId, boolean admin, String code);
    }

    /** Prepare, start and close: the owning anchor (or, where {@code adminMay}, an admin), no body needed. */
    private void steer(RoutingContext ctx, boolean adminMay, Steering action) {
        Caller caller = adminMay ? Authenticator.require(ctx, Caller.ANCHOR, Caller.ADMIN)
            : Authenticator.require(ctx, Caller.ANCHOR);
        String code = code(ctx);
        Responses.requireNoFields(ctx);
        action.apply(caller.userId(), adminMay && caller.isAdmin(), code)
            .onSuccess(detail -> Responses.json(ctx, 200, detail))
            .onFailure(ctx::fail);
    }

    private void detail(RoutingContext ctx) {
        rains.detail(code(ctx))
            .onSuccess(detail -> Responses.json(ctx, 200, detail))
            .onFailure(ctx::fail);
    }

    /** A code of the wrong shape cannot name a rain: answered without touching the database. */
    static String code(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        if (!Ids.isConfigCode(code)) {
            throw new RainException(ErrorCode.RAIN_NOT_FOUND, "no such rain");
        }
        return code;
    }
}
