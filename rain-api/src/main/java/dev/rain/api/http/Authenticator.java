package dev.rain.api.http;

import dev.rain.api.config.JwtConfig;
import dev.rain.api.config.TokenRules;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies bearer tokens with vertx-auth-jwt against the configured keys ({@link TokenKeys}) and checks the
 * claims the contract requires: {@code sub} of the user id alphabet, {@code roles} an array, {@code exp}
 * present, and a lifetime within {@link TokenRules#maxLifetimeSeconds()}; the library checks the time
 * claims with the configured clock skew, and {@code iss} and {@code aud} when configured. A refusal never
 * echoes the token.
 *
 * <p>The token's {@code alg} header is checked against the configured algorithms before the library sees
 * the token: the library binds each key to its algorithm, so it would refuse anything else too, but the
 * classic confusions ({@code none}, an HS256 token "signed" with the RS256 public key as its secret) are
 * refused here by a rule one can read, not by an internal detail of the library.
 */
public final class Authenticator {

    private static final Set<String> KNOWN_ROLES = Set.of(Caller.VIEWER, Caller.ANCHOR, Caller.ADMIN, Caller.SERVICE);
    public static final String CALLER = "rain.caller";
    /** Far above any real token of ours; refuses to decode megabytes of header. */
    private static final int MAX_TOKEN_CHARS = 4_096;
    private static final Pattern JWS = Pattern.compile("([A-Za-z0-9_-]+)\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    /** About 200 bytes of token and 100 of entry each: some 30 MiB at most. */
    private static final int VERIFIED_CAPACITY = 100_000;

    /** Longer than any kid an issuer would choose; a refusal, not a map lookup, for megabytes of it. */
    private static final int MAX_KID_CHARS = 256;

    private final JwtConfig config;
    /** The config's, kept: it is asked on every token. */
    private final Set<String> algorithms;
    private final TokenKeys keys;
    private final VerifiedTokens verifiedTokens = new VerifiedTokens(VERIFIED_CAPACITY);

    public Authenticator(Vertx vertx, JwtConfig config) {
        this.config = config;
        this.algorithms = config.algorithms();
        this.keys = new TokenKeys(vertx, config);
    }

    /** Completes once a configured JWK Set has been loaded (or its first load failed, which is logged). */
    public Future<Void> ready() {
        return keys.ready();
    }

    /**
     * Mints an HS256 token; used by tests and by the local demo mode only. A deployment without the secret
     * holds only public keys, so it cannot mint.
     */
    public String mint(String userId, Set<String> roles, long ttlSeconds) {
        if (config.secret() == null) {
            throw new IllegalStateException("only an HS256 deployment can mint tokens");
        }
        return keys.mint(new JsonObject().put("sub", userId).put("roles", new JsonArray(roles.stream().sorted().toList())),
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
        JsonObject header = header(token);
        if (header == null) {
            return unauthorized(token.length() > MAX_TOKEN_CHARS ? "the token is too long" : "the token is not a signed JWT");
        }
        String refusal = headerRefusal(header);
        if (refusal != null) {
            return unauthorized(refusal);
        }
        return verifier(header)
            .compose(jwt -> verified(jwt, token))
            .recover(e -> Future.failedFuture(e instanceof RainException ? e : new RainException(ErrorCode.UNAUTHORIZED,
                "the token is invalid, expired or wrongly signed")))
            .compose(user -> claims(user.principal(), user.attributes(), config.rules())
                .onSuccess(caller -> verifiedTokens.put(token, caller, expiresAtMillis(user.principal(), user.attributes()))));
    }

    /** RS256 from a JWK Set: the key the token names by kid; otherwise the one key of its algorithm. */
    private Future<JWTAuth> verifier(JsonObject header) {
        if (!JwtConfig.RS256.equals(header.getValue("alg")) || config.jwks() == null) {
            return Future.succeededFuture(keys.verifier());
        }
        return keys.verifier(header.getString("kid"))
            .compose(jwt -> jwt != null ? Future.succeededFuture(jwt) : unauthorized("the token's kid names no known key"));
    }

    /** Checked to be a number by {@link #claims}: seconds since the epoch. */
    private static long expiresAtMillis(JsonObject principal, JsonObject attributes) {
        return ((Number) exp(principal, attributes)).longValue() * 1000;
    }

    private static Object exp(JsonObject principal, JsonObject attributes) {
        return timeClaim("exp", principal, attributes);
    }

    /** vertx-auth-jwt moves the time claims (exp, iat, nbf) from the principal into the user's attributes. */
    private static Object timeClaim(String name, JsonObject principal, JsonObject attributes) {
        return principal.containsKey(name) ? principal.getValue(name) : attributes.getValue(name);
    }

    /**
     * The library throws instead of failing its future on some claims of the wrong type (an {@code exp}
     * that is a string: ClassCastException), which would surface as a 500. Any throw is a refusal.
     */
    private static Future<io.vertx.ext.auth.User> verified(JWTAuth jwt, String token) {
        try {
            return jwt.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /** The header of a token of JWS shape, or null; a header that is not a JSON object is an empty one. */
    private static JsonObject header(String token) {
        Matcher parts = JWS.matcher(token);
        if (token.length() > MAX_TOKEN_CHARS || !parts.matches()) {
            return null;
        }
        try {
            return new JsonObject(new String(Base64.getUrlDecoder().decode(parts.group(1)), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    /** Why the token's header is refused, or null when it may go on to the signature check. */
    private String headerRefusal(JsonObject header) {
        Object alg = header.getValue("alg");
        if (!(alg instanceof String) || !algorithms.contains(alg)) {
            // Fixed text: the header is the client's, and echoing it would make the problem a reflector.
            return "the token must be signed with " + String.join(" or ", algorithms);
        }
        if (JwtConfig.RS256.equals(alg) && config.jwks() != null && !(header.getValue("kid") instanceof String kid
            && !kid.isEmpty() && kid.length() <= MAX_KID_CHARS)) {
            // Rotation works by kid: without one the key would be a guess among several.
            return "the token must name its signing key (kid)";
        }
        if (header.containsKey("crit")) {
            // RFC 7515 4.1.11: extensions we do not implement must make the token invalid.
            return "the token has critical header extensions";
        }
        return null;
    }

    private static Future<Caller> claims(JsonObject principal, JsonObject attributes, TokenRules rules) {
        Object sub = principal.getValue("sub");
        Object exp = exp(principal, attributes);
        Object roles = principal.getValue("roles");
        if (!(sub instanceof String id) || !Ids.isUserId(id)) {
            return unauthorized("the token's sub is not a valid user id");
        }
        if (!(exp instanceof Number expiry)) {
            return unauthorized("the token has no exp");
        }
        if (outlives(expiry.longValue(), timeClaim("iat", principal, attributes), rules)) {
            return unauthorized("the token lives longer than " + rules.maxLifetimeSeconds() + " s");
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

    /**
     * Issued for longer than the maximum, or expiring further from now than it (which also bounds a token
     * without {@code iat}): a leaked token must not stay useful for months because its issuer allowed it.
     */
    private static boolean outlives(long exp, Object iat, TokenRules rules) {
        long now = System.currentTimeMillis() / 1000;
        if (iat != null && !(iat instanceof Number)) {
            return true;
        }
        boolean issuedTooLong = iat instanceof Number issued && exp - issued.longValue() > rules.maxLifetimeSeconds();
        return issuedTooLong || exp - now > rules.maxLifetimeSeconds() + rules.clockSkewSeconds();
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
