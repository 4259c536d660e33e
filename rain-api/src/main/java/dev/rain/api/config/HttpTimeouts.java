package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;

/**
 * How long a client may hold a connection without using it properly.
 *
 * @param idleSeconds    a connection on which nothing is read or written for this long is closed (HTTP and
 *                       WebSocket alike; the room WebSocket pings well within it)
 * @param requestSeconds a request's headers and body must arrive in full within this long after the
 *                       connection opens or the previous answer was sent, else the connection is closed: a
 *                       client trickling a byte now and then never looks idle, so the idle timeout alone does
 *                       not stop it
 */
public record HttpTimeouts(int idleSeconds, int requestSeconds) {

    public static final int MAX_SECONDS = 3_600;

    public HttpTimeouts {
        if (idleSeconds < 1 || idleSeconds > MAX_SECONDS || requestSeconds < 1 || requestSeconds > MAX_SECONDS) {
            throw new ConfigException("HTTP timeouts must be between 1 and " + MAX_SECONDS + " seconds");
        }
    }

    static HttpTimeouts fromEnv(Env env) {
        return new HttpTimeouts(
            env.integer("RAIN_HTTP_IDLE_TIMEOUT_SECONDS", 60, 1, MAX_SECONDS),
            env.integer("RAIN_HTTP_REQUEST_TIMEOUT_SECONDS", 30, 1, MAX_SECONDS));
    }
}
