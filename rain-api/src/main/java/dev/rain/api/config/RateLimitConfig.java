package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;

/**
 * The abuse limits, each a rate and a burst, kept in Redis by the rate-limit script.
 *
 * @param grabPerViewerPerSecond    grabs one viewer may send to one rain, sustained
 * @param grabPerViewerBurst        and at once
 * @param ipPerSecond               /v1 requests from one client address, sustained
 * @param ipBurst                   and at once
 * @param unknownCodePerIpPerMinute answers RAIN_NOT_FOUND one client address may get (also its burst), so
 *                                  codes cannot be enumerated
 * @param trustedProxies            peers whose X-Forwarded-For names the client
 * @param connectionsPerAddress     open connections one socket peer may hold on one instance (a trusted proxy: no cap)
 * @param webSocketsPerAddress      open room WebSockets one client address may hold on one instance
 * @param webSocketsPerUser         open room WebSockets one user may hold on one instance
 */
public record RateLimitConfig(
    int grabPerViewerPerSecond,
    int grabPerViewerBurst,
    int ipPerSecond,
    int ipBurst,
    int unknownCodePerIpPerMinute,
    TrustedProxies trustedProxies,
    int connectionsPerAddress,
    int webSocketsPerAddress,
    int webSocketsPerUser) {

    /** Above this the GCRA interval would drop below one microsecond, Redis's clock resolution. */
    public static final int MAX_RATE = 1_000_000;
    public static final int MAX_BURST = 100_000_000;
    /** Far above what one instance can hold open (file descriptors, memory). */
    public static final int MAX_OPEN = 10_000_000;

    static RateLimitConfig fromEnv(Env env) {
        TrustedProxies proxies;
        try {
            proxies = TrustedProxies.parse(env.string("RAIN_TRUSTED_PROXIES", ""));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("RAIN_TRUSTED_PROXIES: " + e.getMessage());
        }
        return new RateLimitConfig(
            env.integer("RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", 10, 1, MAX_RATE),
            env.integer("RAIN_LIMIT_GRAB_PER_VIEWER_BURST", 10, 1, MAX_BURST),
            env.integer("RAIN_LIMIT_IP_PER_SECOND", 200, 1, MAX_RATE),
            env.integer("RAIN_LIMIT_IP_BURST", 400, 1, MAX_BURST),
            env.integer("RAIN_LIMIT_UNKNOWN_CODE_PER_IP_PER_MINUTE", 20, 1, MAX_RATE),
            proxies,
            // A carrier NAT shares one public IPv4 among its subscribers in port blocks of 64 or more, so up to about
            // 1,000 of them; each holds a WebSocket and an HTTP connection or two, and not all on this instance.
            env.integer("RAIN_MAX_CONNECTIONS_PER_ADDRESS", 1_000, 1, MAX_OPEN),
            env.integer("RAIN_MAX_WEBSOCKETS_PER_ADDRESS", 500, 1, MAX_OPEN),
            // Tabs and devices of one person; more is a script.
            env.integer("RAIN_MAX_WEBSOCKETS_PER_USER", 10, 1, MAX_OPEN));
    }
}
