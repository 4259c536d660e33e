package dev.rain.settlement.loop;

import java.time.Duration;

/** Exponential backoff between retries of a batch through an outage, bounded so recovery is noticed soon. */
final class RetryDelay {

    private final Duration first;
    private final Duration max;
    private Duration next;

    RetryDelay(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    Duration next() {
        Duration current = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return current;
    }

    void reset() {
        next = first;
    }
}
