package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;

/**
 * Bounds and defaults of a create request, and how long a created rain may wait for its start before it
 * is closed and refunded; configuration, with the contract's defaults.
 */
public record RainLimits(
    int maxTotalCount,
    long maxTotalAmount,
    int maxGrabsPerUserLimit,
    int defaultMaxGrabsPerUser,
    int maxCountdownSeconds,
    int defaultCountdownSeconds,
    int maxDurationSeconds,
    int defaultDurationSeconds,
    long unstartedExpirySeconds) {

    public static RainLimits defaults() {
        return new RainLimits(1_000_000, 10_000_000_000L, 100, 1, 300, 3, 86_400, 30, 86_400);
    }

    static RainLimits fromEnv(Env env) {
        RainLimits defaults = defaults();
        RainLimits limits = new RainLimits(
            env.integer("RAIN_MAX_TOTAL_COUNT", defaults.maxTotalCount(), 1, 10_000_000),
            env.number("RAIN_MAX_TOTAL_AMOUNT", defaults.maxTotalAmount(), 1, Long.MAX_VALUE / 4),
            env.integer("RAIN_MAX_GRABS_PER_USER", defaults.maxGrabsPerUserLimit(), 1, 10_000),
            env.integer("RAIN_DEFAULT_GRABS_PER_USER", defaults.defaultMaxGrabsPerUser(), 1, 10_000),
            env.integer("RAIN_MAX_COUNTDOWN_SECONDS", defaults.maxCountdownSeconds(), 0, 86_400),
            env.integer("RAIN_DEFAULT_COUNTDOWN_SECONDS", defaults.defaultCountdownSeconds(), 0, 86_400),
            env.integer("RAIN_MAX_DURATION_SECONDS", defaults.maxDurationSeconds(), 1, 7 * 86_400),
            env.integer("RAIN_DEFAULT_DURATION_SECONDS", defaults.defaultDurationSeconds(), 1, 7 * 86_400),
            env.number("RAIN_UNSTARTED_EXPIRY_SECONDS", defaults.unstartedExpirySeconds(), 1, 30 * 86_400L));
        atMost("RAIN_DEFAULT_GRABS_PER_USER", limits.defaultMaxGrabsPerUser(), "RAIN_MAX_GRABS_PER_USER",
            limits.maxGrabsPerUserLimit());
        atMost("RAIN_DEFAULT_COUNTDOWN_SECONDS", limits.defaultCountdownSeconds(), "RAIN_MAX_COUNTDOWN_SECONDS",
            limits.maxCountdownSeconds());
        atMost("RAIN_DEFAULT_DURATION_SECONDS", limits.defaultDurationSeconds(), "RAIN_MAX_DURATION_SECONDS",
            limits.maxDurationSeconds());
        return limits;
    }

    /** A default above its bound would make every create that leans on it fail; refuse it at start-up. */
    private static void atMost(String name, int value, String boundName, int bound) {
        if (value > bound) {
            throw new ConfigException(name + " (" + value + ") must not exceed " + boundName + " (" + bound + ")");
        }
    }
}
