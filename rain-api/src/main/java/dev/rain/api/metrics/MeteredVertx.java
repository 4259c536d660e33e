package dev.rain.api.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** A Vert.x whose own HTTP server, client, pool and JVM metrics go to the registry that /metrics scrapes. */
public final class MeteredVertx {

    private static final String ROUTE = "route";

    private MeteredVertx() {
    }

    /**
     * Vert.x Web reports every route a request went through, joined by '>': the body, rate-limit and
     * authentication handlers mounted on /v1/* come first, the /v1 failure handler last
     * ("/v1/>/v1/>/v1/>/v1/rains/:code/grab>/v1/"). The endpoint is the longest of them.
     */
    static String endpoint(String routes) {
        String longest = "";
        for (String route : routes.split(">")) {
            if (route.length() > longest.length()) {
                longest = route;
            }
        }
        return longest;
    }

    public static Vertx create(VertxOptions options, PrometheusMeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.replaceTagValues(ROUTE, MeteredVertx::endpoint));
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
