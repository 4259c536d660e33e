package dev.rain.api.ratelimit;

/**
 * One GCRA limit: a request every {@code intervalMicros} sustained, {@code burst} at once.
 */
public record Limit(long intervalMicros, long burst) {

    public static Limit perSecond(int rate, int burst) {
        return new Limit(Math.max(1, Math.round(1_000_000.0 / rate)), burst);
    }

    public static Limit perMinute(int rate, int burst) {
        return new Limit(Math.max(1, Math.round(60_000_000.0 / rate)), burst);
    }
}
