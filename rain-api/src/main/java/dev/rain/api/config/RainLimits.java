package dev.rain.api.config;

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
}
