package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies bearer tokens with vertx-auth-jwt (HS256, the configured secret) and checks the claims the
 * contract requires: {@code sub} of the user id alphabet, {@code roles} an array, {@code exp} present.
 * A refusal never echoes the token.
 */
public final class Authenticator {

    private static final Set<String> KNOWN_ROLES = Set.of(Caller.VIEWER, Caller.ANCHOR, Caller.ADMIN);
    public static final String CALLER = "rain.caller";

    private final JWTAuth jwt;

    public Authenticator(Vertx vertx, String hs256Secret) {
        this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
                .setBuffer(hs256Secret))
            .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(0)));
    }

    /** Mints a token; used by tests and by the local demo mode only. */
    public String mint(String userId, Set<String> roles, long ttlSeconds) {
        return jwt.generateToken(new JsonObject().put("sub", userId).put("roles", new JsonArray(roles.stream().sorted().toList())),
            new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds));
    }

    /** Route handler: authenticates, stores the {@link Caller}, continues. */
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        authenticate(token)
            .onSuccess(caller -> {
                ctx.put(CALLER, caller);
                ctx.next();
            })
            .onFailure(ctx::fail);
    }

    public Future<Caller> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Future.failedFuture(new RainException(ErrorCode.UNAUTHORIZED, "a bearer token is required"));
        }
        return jwt.authenticate(new TokenCredentials(token))
            .recover(e -> Future.failedFuture(new RainException(ErrorCode.UNAUTHORIZED,
                "the token is invalid, expired or wrongly signed")))
            .compose(user -> claims(user.principal(), user.attributes()));
    }

    /** vertx-auth-jwt moves the time claims (exp, iat) from the principal into the user's attributes. */
    private static Future<Caller> claims(JsonObject principal, JsonObject attributes) {
        Object sub = principal.getValue("sub");
        Object exp = principal.containsKey("exp") ? principal.getValue("exp") : attributes.getValue("exp");
        Object roles = principal.getValue("roles");
        if (!(sub instanceof String id) || !Ids.isUserId(id)) {
            return unauthorized("the token's sub is not a valid user id");
        }
        if (!(exp instanceof Number)) {
            return unauthorized("the token has no exp");
        }
        if (!(roles instanceof JsonArray array)) {
            return unauthorized("the token's roles must be an array");
        }
        Set<String> granted = new HashSet<>();
        for (Object role : array) {
            if (role instanceof String name && KNOWN_ROLES.contains(name)) {
                granted.add(name);
            }
        }
        return Future.succeededFuture(new Caller(id, Set.copyOf(granted)));
    }

    private static <T> Future<T> unauthorized(String detail) {
        return Future.failedFuture(new RainException(ErrorCode.UNAUTHORIZED, detail));
    }

    public static Caller caller(RoutingContext ctx) {
        return ctx.get(CALLER);
    }

    /** Fails the request with 403 unless the caller has one of {@code roles}. */
    public static Caller require(RoutingContext ctx, String... roles) {
        Caller caller = caller(ctx);
        for (String role : roles) {
            if (caller.has(role)) {
                return caller;
            }
        }
        throw new RainException(ErrorCode.FORBIDDEN, "this needs the role " + String.join(" or ", roles));
    }
}
