package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;

/**
 * Where the operators' endpoints listen: /metrics (and the health probes again), on a port of its own so
 * that nothing reaching the public port can read them. Deployments publish only the public port.
 *
 * @param host the interface to bind; all of them by default, so Prometheus can scrape the pod's address
 * @param port the management port; 0 picks a free one (tests)
 */
public record ManagementEndpoint(String host, int port) {

    static ManagementEndpoint fromEnv(Env env, int httpPort) {
        ManagementEndpoint endpoint = new ManagementEndpoint(
            env.string("RAIN_MANAGEMENT_HOST", "0.0.0.0"),
            env.integer("RAIN_MANAGEMENT_PORT", 9090, 0, 65_535));
        if (endpoint.port() != 0 && endpoint.port() == httpPort) {
            // One port for both would put /metrics back where the public can read it.
            throw new ConfigException("RAIN_MANAGEMENT_PORT must differ from RAIN_HTTP_PORT (both " + httpPort + ")");
        }
        return endpoint;
    }
}
