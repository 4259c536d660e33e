package dev.rain.api.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * Liveness, readiness and the OpenAPI document on the public port, no token needed; Prometheus metrics
 * only on the management port, which deployments do not publish.
 */
final class OpsRoutes {

    private final Supplier<Future<JsonObject>> readiness;
    private final PrometheusMeterRegistry metrics;
    private final boolean demo;
    private final byte[] openApi;

    OpsRoutes(Supplier<Future<JsonObject>> readiness, PrometheusMeterRegistry metrics, boolean demo) {
        this.readiness = readiness;
        this.metrics = metrics;
        this.demo = demo;
        this.openApi = resource("/openapi.yaml");
    }

    void mount(Router router) {
        mountHealth(router);
        router.get("/openapi.yaml").handler(ctx -> ctx.response()
            .putHeader("Content-Type", "application/yaml").end(io.vertx.core.buffer.Buffer.buffer(openApi)));
    }

    /** The management port's routes: the probes again (either port may be probed) and /metrics. */
    void mountManagement(Router router) {
        mountHealth(router);
        router.get("/metrics").handler(ctx -> ctx.response()
            .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    }

    private void mountHealth(Router router) {
        router.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
            .end("{\"status\":\"UP\"}"));
        router.get("/health/ready").handler(this::ready);
    }

    private void ready(RoutingContext ctx) {
        readiness.get().onComplete(done -> {
            JsonObject body = done.succeeded() ? done.result() : new JsonObject().put("status", "DOWN")
                .put("error", String.valueOf(done.cause()));
            if (demo) {
                // Still 200 so local use works, but a monitor can tell, and alert, that demo mode is on.
                body.put("demo", true);
            }
            boolean up = "UP".equals(body.getString("status"));
            ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(body.toBuffer());
        });
    }

    private static byte[] resource(String path) {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
