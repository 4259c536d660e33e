package dev.rain.api.redis;

import java.time.Instant;

/** Redis server time as the grab script writes it: microseconds since the epoch, in decimal. */
public final class Micros {

    private Micros() {
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }

    public static Instant parse(String micros) {
        return toInstant(Long.parseLong(micros));
    }
}
