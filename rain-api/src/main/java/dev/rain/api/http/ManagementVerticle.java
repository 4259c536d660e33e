package dev.rain.api.http;

import dev.rain.api.config.ManagementEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;

/**
 * The operators' HTTP server, on its own port: what it serves (metrics) says how busy the platform is,
 * so it is kept off the port the public reaches. One instance; a scrape every few seconds needs no more.
 */
public final class ManagementVerticle extends VerticleBase {

    /** A scrape is small and frequent; an idle connection is not worth keeping long. */
    private static final int IDLE_SECONDS = 60;

    private final ManagementEndpoint endpoint;
    private final Consumer<Router> routes;
    private HttpServer server;

    public ManagementVerticle(ManagementEndpoint endpoint, Consumer<Router> routes) {
        this.endpoint = endpoint;
        this.routes = routes;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.route().handler(RequestIds::assign);
        routes.accept(router);
        Problems.answerAll(router);
        server = vertx.createHttpServer(new HttpServerOptions().setHost(endpoint.host()).setPort(endpoint.port())
            .setIdleTimeout(IDLE_SECONDS).setHttp2ClearTextEnabled(false));
        return server.requestHandler(router).listen();
    }

    /** The bound port: the configured one, or the one picked when that was 0. */
    public int actualPort() {
        return server.actualPort();
    }
}
