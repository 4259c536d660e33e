package dev.rain.api.http;

import dev.rain.api.config.JwtConfig;
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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies bearer tokens with vertx-auth-jwt against the one configured key (an HS256 secret or an RS256
 * public key) and checks the claims the contract requires: {@code sub} of the user id alphabet,
 * {@code roles} an array, {@code exp} present. A refusal never echoes the token.
 *
 * <p>The token's {@code alg} header is checked against the configured algorithm before the library sees
 * the token: the library holds only the configured key, so it would refuse anything else too, but the
 * classic confusions ({@code none}, an HS256 token "signed" with the RS256 public key as its secret) are
 * refused here by a rule one can read, not by an internal detail of the library.
 */
public final class Authenticator {

    private static final Set<String> KNOWN_ROLES = Set.of(Caller.VIEWER, Caller.ANCHOR, Caller.ADMIN);
    public static final String CALLER = "rain.caller";
    /** Far above any real token of ours; refuses to decode megabytes of header. */
    private static final int MAX_TOKEN_CHARS = 4_096;
    private static final Pattern JWS = Pattern.compile("([A-Za-z0-9_-]+)\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    /** About 200 bytes of token and 100 of entry each: some 30 MiB at most. */
    private static final int VERIFIED_CAPACITY = 100_000;

    private final JWTAuth jwt;
    private final String algorithm;
    private final VerifiedTokens verifiedTokens = new VerifiedTokens(VERIFIED_CAPACITY);

    public Authenticator(Vertx vertx, JwtConfig config) {
        this.algorithm = config.algorithm();
        PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(algorithm)
            .setBuffer(JwtConfig.HS256.equals(algorithm) ? config.secret() : config.publicKeyPem());
        this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(key)
            .setJWTOptions(new JWTOptions().setAlgorithm(algorithm).setLeeway(0)));
    }

    /**
     * Mints an HS256 token; used by tests and by the local demo mode only. An RS256 deployment holds only
     * the public key, so it cannot mint.
     */
    public String mint(String userId, Set<String> roles, long ttlSeconds) {
        if (!JwtConfig.HS256.equals(algorithm)) {
            throw new IllegalStateException("only an HS256 deployment can mint tokens");
        }
        return jwt.generateToken(new JsonObject().put("sub", userId).put("roles", new JsonArray(roles.stream().sorted().toList())),
            new JWTOptions().setAlgorithm(JwtConfig.HS256).setExpiresInSeconds((int) ttlSeconds));
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
        Caller known = verifiedTokens.get(token, System.currentTimeMillis());
        if (known != null) {
            return Future.succeededFuture(known);
        }
        String refusal = headerRefusal(token);
        if (refusal != null) {
            return unauthorized(refusal);
        }
        return verified(token)
            .recover(e -> Future.failedFuture(new RainException(ErrorCode.UNAUTHORIZED,
                "the token is invalid, expired or wrongly signed")))
            .compose(user -> claims(user.principal(), user.attributes())
                .onSuccess(caller -> verifiedTokens.put(token, caller, expiresAtMillis(user.principal(), user.attributes()))));
    }

    /** Checked to be a number by {@link #claims}: seconds since the epoch. */
    private static long expiresAtMillis(JsonObject principal, JsonObject attributes) {
        return ((Number) exp(principal, attributes)).longValue() * 1000;
    }

    /** vertx-auth-jwt moves the time claims (exp, iat) from the principal into the user's attributes. */
    private static Object exp(JsonObject principal, JsonObject attributes) {
        return principal.containsKey("exp") ? principal.getValue("exp") : attributes.getValue("exp");
    }

    /**
     * The library throws instead of failing its future on some claims of the wrong type (an {@code exp}
     * that is a string: ClassCastException), which would surface as a 500. Any throw is a refusal.
     */
    private Future<io.vertx.ext.auth.User> verified(String token) {
        try {
            return jwt.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** Why the token's shape or header is refused, or null when it may go on to the signature check. */
    private String headerRefusal(String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            return "the token is too long";
        }
        Matcher parts = JWS.matcher(token);
        if (!parts.matches()) {
            return "the token is not a signed JWT";
        }
        JsonObject header;
        try {
            header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts.group(1)), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return "the token's header is not a JSON object";
        }
        if (!algorithm.equals(header.getValue("alg"))) {
            // Fixed text: the header is the client's, and echoing it would make the problem a reflector.
            return "the token must be signed with " + algorithm;
        }
        if (header.containsKey("crit")) {
            // RFC 7515 4.1.11: extensions we do not implement must make the token invalid.
            return "the token has critical header extensions";
        }
        return null;
    }

    private static Future<Caller> claims(JsonObject principal, JsonObject attributes) {
        Object sub = principal.getValue("sub");
        Object exp = exp(principal, attributes);
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
