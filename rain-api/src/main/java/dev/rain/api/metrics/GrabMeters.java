package dev.rain.api.metrics;

import dev.rain.api.rain.GrabOutcome;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Grabs by outcome and how long they took, on the hot path: every meter is registered up front, so a
 * grab costs one map lookup and two atomic adds, never a registry lookup.
 */
public final class GrabMeters {

    private final Map<String, Counter> byOutcome = new HashMap<>();
    private final Counter unexpected;
    private final Timer latency;

    public GrabMeters(MeterRegistry registry) {
        for (GrabOutcome.Kind kind : GrabOutcome.Kind.values()) {
            byOutcome.put(kind.name(), counter(registry, kind.name()));
        }
        // Refusals answered as problems (RATE_LIMITED, WRONG_ROOM, RAIN_NOT_FOUND...) count under their code.
        for (ErrorCode code : ErrorCode.values()) {
            byOutcome.computeIfAbsent(code.name(), name -> counter(registry, name));
        }
        this.unexpected = byOutcome.get(ErrorCode.INTERNAL.name());
        this.latency = Timer.builder("rain.grab.latency")
            .description("Time from a grab request to its answer, whatever the outcome.")
            .publishPercentileHistogram()
            .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("rain.grabs").description("Grab requests answered, by outcome.")
            .tag("outcome", outcome).register(registry);
    }

    /** A grab answered 200 with {@code outcome} (WON, SOLD_OUT, LIMIT_REACHED). */
    public void answered(long startedNanos, String outcome) {
        byOutcome.getOrDefault(outcome, unexpected).increment();
        latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** A grab refused with a problem: counted under its error code. */
    public void refused(long startedNanos, Throwable failure) {
        String outcome = failure instanceof RainException rain ? rain.code().name() : ErrorCode.INTERNAL.name();
        answered(startedNanos, outcome);
    }
}
