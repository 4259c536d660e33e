package dev.rain.api.http;

import dev.rain.api.config.HttpTimeouts;
import dev.rain.api.ratelimit.RequestLimiter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One HTTP server on one event loop; several instances share the port. The routes are built by the
 * caller from services shared across instances.
 */
public final class HttpVerticle extends VerticleBase {

    /** The contract's body limit. */
    static final long MAX_BODY_BYTES = 16 * 1024;
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    private final String host;
    private final int port;
    private final HttpTimeouts timeouts;
    private final Authenticator authenticator;
    private final RequestLimiter limiter;
    private final Consumer<Router> publicRoutes;
    private final Consumer<Router> v1Routes;
    private HttpServer server;

    public HttpVerticle(String host, int port, HttpTimeouts timeouts, Authenticator authenticator, RequestLimiter limiter,
                        Consumer<Router> publicRoutes, Consumer<Router> v1Routes) {
        this.host = host;
        this.port = port;
        this.timeouts = timeouts;
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.publicRoutes = publicRoutes;
        this.v1Routes = v1Routes;
    }

    @Override
    public Future<?> start() {
        Router router = router(vertx, authenticator, limiter, publicRoutes, v1Routes);
        RequestDeadline deadline = new RequestDeadline(vertx, timeouts.requestSeconds() * 1000L);
        // Ahead of every route (order -1): once any answer is sent, the next request's deadline starts.
        router.route().order(-1).handler(deadline::rearmAfterAnswer);
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
            // Idle or stalled clients must not hold sockets forever.
            .setIdleTimeout(timeouts.idleSeconds())
            // HTTP/1.1 only (TLS and HTTP/2 end at the proxy): one request at a time per connection is what
            // the request deadline reasons about, and h2c upgrades are attack surface nobody here needs.
            .setHttp2ClearTextEnabled(false);
        server = vertx.createHttpServer(options);
        return server
            .connectionHandler(connection -> {
                StrictRequestDecoder.install(connection, options);
                deadline.watch(connection);
                limiter.connections().admit(connection);
            })
            .invalidRequestHandler(InvalidRequests::answer)
            .requestHandler(request -> {
                deadline.track(request);
                router.handle(request);
            })
            .listen();
    }

    /** The router every instance serves; public so that a test can compare it with the OpenAPI document. */
    public static Router router(Vertx vertx, Authenticator authenticator, RequestLimiter limiter,
                                Consumer<Router> publicRoutes, Consumer<Router> v1Routes) {
        Router router = Router.router(vertx);
        RateLimitHandlers limits = new RateLimitHandlers(limiter);
        // First of all: every answer, problems included, carries its request id, and is logged once.
        router.route().handler(RequestIds::assign);
        router.route().handler(RequestLog::onEnd);
        // The WebSocket routes are public (a token may be in the query), so the /v1 chain below never sees
        // them: opening sockets must still cost an address its budget like any other /v1 request.
        // GET only: a request with a body goes down the /v1 chain.
        for (String path : WebSocketPaths.ALL) {
            router.get(path).handler(ctx -> chargeWhilePaused(ctx, limits));
        }
        publicRoutes.accept(router);
        // Before the body is read (a refused address's body is never buffered) and before authentication (a
        // flood of bad tokens from one address is limited like any other).
        router.route("/v1/*").handler(ctx -> chargeWhilePaused(ctx, limits));
        router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.route("/v1/*").handler(authenticator::handle);
        v1Routes.accept(router);
        // Ahead of the problem writer: a RAIN_NOT_FOUND spends the address's unknown-code budget.
        router.route("/v1/*").failureHandler(limits::unknownCode);
        Problems.answerAll(router);
        return router;
    }

    /**
     * Charges the address's request budget. Paused while Redis answers, or the request would end meanwhile:
     * the BodyHandler must meet it unread, and a WebSocket can only be upgraded from an open request (both
     * resume it). Once answered without them (refused, or not upgraded), the rest is drained, or the
     * connection would wait for it forever.
     */
    private static void chargeWhilePaused(RoutingContext ctx, RateLimitHandlers limits) {
        ctx.request().pause();
        ctx.addEndHandler(answered -> ctx.request().resume());
        limits.perIp(ctx);
    }

    public int actualPort() {
        return server.actualPort();
    }

    /**
     * Stops accepting, closes idle connections, and lets requests in flight finish (HTTP/1.1: the
     * connection closes after its answer; HTTP/2: GOAWAY) for at most the grace period. A grab takes
     * milliseconds; the grace period keeps the whole stop inside a pod's default 30 s termination grace.
     */
    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
    }
}
