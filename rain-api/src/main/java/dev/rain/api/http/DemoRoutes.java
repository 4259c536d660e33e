package dev.rain.api.http;

import dev.rain.api.wallet.WalletService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The local demo mode's stand-in for an identity service and a payment provider, so the pages can be
 * tried on one machine: {@code POST /demo/token} hands out a viewer or anchor token, {@code POST
 * /demo/deposits} tops up the caller's wallet through the same ledger deposit as the admin route.
 * Mounted only when {@code RAIN_DEMO_MODE=true}; in production these paths do not exist (404).
 */
final class DemoRoutes {

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** Never admin: demo sign-in must not open the admin routes. */
    private static final Pattern ROLE = Pattern.compile("viewer|anchor");
    private static final long TOKEN_TTL_SECONDS = 12 * 3600;
    /** Play money per top-up: 10,000.00. */
    private static final long MAX_TOP_UP = 1_000_000;

    private final Authenticator authenticator;
    private final WalletService wallets;
    private final RateLimitHandlers limits;

    DemoRoutes(Authenticator authenticator, WalletService wallets, RateLimitHandlers limits) {
        this.authenticator = authenticator;
        this.wallets = wallets;
        this.limits = limits;
    }

    void mount(Router router) {
        router.route("/demo/*").handler(BodyHandler.create(false).setBodyLimit(HttpVerticle.MAX_BODY_BYTES));
        router.route("/demo/*").handler(limits::perIp);
        router.post("/demo/token").handler(this::token);
        router.post("/demo/deposits").handler(authenticator::handle).handler(this::deposit);
    }

    private void token(RoutingContext ctx) {
        Responses.requireJsonBody(ctx, true);
        JsonBody body = JsonBody.parse(ctx.body().buffer(), Set.of("userId", "role"));
        String userId = body.requiredString("userId", USER_ID, "1 to 64 characters of A-Z a-z 0-9 _ . : -");
        String role = body.requiredString("role", ROLE, "viewer or anchor");
        String token = authenticator.mint(userId, Set.of(role), TOKEN_TTL_SECONDS);
        JsonObject answer = new JsonObject()
            .put("token", token)
            .put("userId", userId)
            .put("roles", new JsonArray().add(role))
            .put("expiresAt", Instant.now().plusSeconds(TOKEN_TTL_SECONDS).toString());
        ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(answer.toBuffer());
    }

    /** Anchors only: a viewer's money must come from rains, or the demo would not show anything. */
    private void deposit(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.ANCHOR);
        Responses.requireJsonBody(ctx, true);
        long amount = JsonBody.parse(ctx.body().buffer(), Set.of("amount")).requiredLong("amount", 1, MAX_TOP_UP);
        String reference = "demo-" + UUID.randomUUID();
        wallets.deposit(caller.userId(), amount, reference)
            .onSuccess(balance -> Responses.json(ctx, 201, balance))
            .onFailure(ctx::fail);
    }
}
