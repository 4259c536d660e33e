package dev.rain.api.http;

import dev.rain.api.config.JwtConfig;
import dev.rain.api.config.TokenRules;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys tokens are verified with, as one vertx-auth-jwt verifier: the HS256 secret, the RS256 PEM key,
 * and the RS256 keys of a JWK Set by kid. A kid not among them reloads the set, but at most once per the
 * source's refresh interval and never twice at once: a flood of made-up kids costs one load per interval.
 * A failed load keeps the keys there were.
 */
final class TokenKeys {

    private static final Logger LOG = LoggerFactory.getLogger(TokenKeys.class);

    /** One verifier and the kids it knows, swapped whole so a check never sees half a key set. */
    private record Verifier(JWTAuth auth, Set<String> kids) {
    }

    private final Vertx vertx;
    private final JwtConfig config;
    private final JwksLoader loader;
    private volatile Verifier current;
    private Future<Void> loading;
    private long lastLoadNanos;
    private final Future<Void> ready;

    TokenKeys(Vertx vertx, JwtConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.current = new Verifier(verifier(Map.of()), Set.of());
        this.loader = config.jwks() == null ? null : new JwksLoader(vertx, config.jwks());
        this.ready = loader == null ? Future.succeededFuture() : reload();
    }

    /** Completes once the first JWK Set load has been tried (at once without one). */
    Future<Void> ready() {
        return ready;
    }

    /** For tokens that name no kid: the HS256 secret or the one PEM key. */
    JWTAuth verifier() {
        return current.auth;
    }

    /** The verifier that knows {@code kid}, after one rate-limited reload if needed; null if none does. */
    Future<JWTAuth> verifier(String kid) {
        Verifier known = current;
        if (known.kids.contains(kid)) {
            return Future.succeededFuture(known.auth);
        }
        return onCallersContext(reload()).map(v -> current.kids.contains(kid) ? current.auth : null);
    }

    /** Mints with the HS256 secret: tests and demo mode only. */
    String mint(JsonObject claims, JWTOptions options) {
        return current.auth.generateToken(claims, options);
    }

    private synchronized Future<Void> reload() {
        if (loading != null) {
            return loading;
        }
        long now = System.nanoTime();
        if (lastLoadNanos != 0 && now - lastLoadNanos < config.jwks().refreshSeconds() * 1_000_000_000L) {
            return Future.succeededFuture();
        }
        lastLoadNanos = now;
        loading = loader.load()
            .map(keys -> {
                current = new Verifier(verifier(keys), Set.copyOf(keys.keySet()));
                LOG.info("token keys loaded from {}: kids {}", config.jwks(), keys.keySet());
                return (Void) null;
            })
            .otherwise(e -> {
                LOG.warn("token keys could not be loaded from {}, keeping kids {}: {}", config.jwks(), current.kids,
                    e.getMessage());
                return null;
            })
            .andThen(done -> finished());
        return loading;
    }

    private synchronized void finished() {
        loading = null;
    }

    /**
     * A load shared by requests of several event loops completes on the one that started it; each waiting
     * request continues on its own, as the rest of its handling expects.
     */
    private static <T> Future<T> onCallersContext(Future<T> future) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> context.runOnContext(v -> promise.handle(result)));
        return promise.future();
    }

    private JWTAuth verifier(Map<String, JsonObject> jwks) {
        TokenRules rules = config.rules();
        JWTOptions options = new JWTOptions().setLeeway(rules.clockSkewSeconds())
            .setAlgorithm(config.secret() != null ? JwtConfig.HS256 : JwtConfig.RS256);
        if (rules.issuer() != null) {
            options.setIssuer(rules.issuer());
        }
        if (rules.audience() != null) {
            options.addAudience(rules.audience());
        }
        JWTAuthOptions auth = new JWTAuthOptions().setJWTOptions(options);
        if (config.secret() != null) {
            auth.addPubSecKey(new PubSecKeyOptions().setAlgorithm(JwtConfig.HS256).setBuffer(config.secret()));
        }
        if (config.publicKeyPem() != null) {
            auth.addPubSecKey(new PubSecKeyOptions().setAlgorithm(JwtConfig.RS256).setBuffer(config.publicKeyPem()));
        }
        jwks.values().forEach(auth::addJwk);
        return JWTAuth.create(vertx, auth);
    }
}
