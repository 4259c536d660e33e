package dev.rain.api.config;

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
 */
public record RateLimitConfig(
    int grabPerViewerPerSecond,
    int grabPerViewerBurst,
    int ipPerSecond,
    int ipBurst,
    int unknownCodePerIpPerMinute,
    TrustedProxies trustedProxies) {

    /** Above this the GCRA interval would drop below one microsecond, Redis's clock resolution. */
    public static final int MAX_RATE = 1_000_000;
    public static final int MAX_BURST = 100_000_000;

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
            proxies);
    }
}
