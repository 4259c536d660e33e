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

    /** A wait in microseconds as {@code Retry-After} wants it: whole seconds, at least 1, rounded up. */
    static long retryAfterSeconds(long retryAfterMicros) {
        return Math.max(1, (retryAfterMicros + 999_999) / 1_000_000);
    }
}
