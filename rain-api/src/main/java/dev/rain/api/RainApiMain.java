package dev.rain.api;

import dev.rain.api.config.ApiConfig;
import dev.rain.common.config.ConfigException;
import dev.rain.api.metrics.MeteredVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration, starts one API instance, stops it cleanly on SIGTERM. */
public final class RainApiMain {

    private static final Logger LOG = LoggerFactory.getLogger(RainApiMain.class);

    private RainApiMain() {
    }

    public static void main(String[] args) throws Exception {
        ApiConfig config;
        try {
            config = ApiConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("rain-api: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx vertx = MeteredVertx.create(new VertxOptions().setEventLoopPoolSize(config.httpInstances())
            // epoll where the platform has it (Linux), java.nio elsewhere.
            .setPreferNativeTransport(true), metrics);
        RainApi api;
        try {
            api = RainApi.start(vertx, config, metrics).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("rain API failed to start: {}", e.toString());
            vertx.close();
            System.exit(1);
            return;
        }
        if (DemoMode.applies(config)) {
            // Printed, not logged: it must reach the person trying the service whatever the log level.
            System.out.println(DemoMode.instructions(config, api.authenticator()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                api.stop().await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("unclean stop: {}", e.toString());
            }
            vertx.close();
        }, "rain-api-shutdown"));
    }
}
