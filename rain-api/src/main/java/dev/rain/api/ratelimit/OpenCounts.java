package dev.rain.api.ratelimit;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each key holds open on this instance, each key under one cap. A key is
 * remembered only while it holds one open, so the map is as large as what is open.
 */
final class OpenCounts {

    private final int cap;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    OpenCounts(int cap) {
        this.cap = cap;
    }

    /** Counts one more open for {@code key}, unless it holds its cap already: then false, and nothing changes. */
    boolean tryOpen(String key) {
        boolean[] opened = {false};
        open.compute(key, (k, held) -> {
            int count = held == null ? 0 : held;
            if (count >= cap) {
                return held;
            }
            opened[0] = true;
            return count + 1;
        });
        return opened[0];
    }

    /** One of {@code key}'s closed: the slot is free again. Call once per successful {@link #tryOpen}. */
    void close(String key) {
        open.computeIfPresent(key, (k, held) -> held <= 1 ? null : held - 1);
    }

    int held(String key) {
        return open.getOrDefault(key, 0);
    }
}
