package dev.rain.api.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** A Vert.x whose own HTTP server, client, pool and JVM metrics go to the registry that /metrics scrapes. */
public final class MeteredVertx {

    private MeteredVertx() {
    }

    public static Vertx create(VertxOptions options, PrometheusMeterRegistry registry) {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            // The route template, never the raw path: paths carry rain codes and user ids (unbounded series).
            .addLabels(Label.HTTP_ROUTE);
        return Vertx.builder()
            .with(new VertxOptions(options).setMetricsOptions(metrics))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    }
}
