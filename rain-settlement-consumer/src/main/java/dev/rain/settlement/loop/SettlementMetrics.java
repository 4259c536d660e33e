package dev.rain.settlement.loop;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of the settlement loop, written by its thread and read by the health endpoint. */
public final class SettlementMetrics {

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong anomalies = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong transientFailures = new AtomicLong();
    private volatile long lag;
    private volatile long lastPollMillis;
    private volatile int assignedPartitions;

    /**
     * The process's loops together, as of now: counters, lag and partitions summed, and the oldest of their last
     * polls, so that one loop that stopped polling shows (0 while any has not polled yet).
     */
    public static SettlementMetrics total(List<SettlementMetrics> loops) {
        SettlementMetrics total = new SettlementMetrics();
        long oldestPoll = Long.MAX_VALUE;
        int partitions = 0;
        long lag = 0;
        for (SettlementMetrics loop : loops) {
            total.applied.addAndGet(loop.applied());
            total.duplicates.addAndGet(loop.duplicates());
            total.anomalies.addAndGet(loop.anomalies());
            total.deadLettered.addAndGet(loop.deadLettered());
            total.batches.addAndGet(loop.batches());
            total.transientFailures.addAndGet(loop.transientFailures());
            lag += loop.lag();
            partitions += loop.assignedPartitions();
            oldestPoll = Math.min(oldestPoll, loop.lastPollMillis());
        }
        total.lag = lag;
        total.assignedPartitions = partitions;
        total.lastPollMillis = loops.isEmpty() ? 0 : oldestPoll;
        return total;
    }

    void settled(int appliedCount, int duplicateCount, int newAnomalies) {
        applied.addAndGet(appliedCount);
        duplicates.addAndGet(duplicateCount);
        anomalies.addAndGet(newAnomalies);
        batches.incrementAndGet();
    }

    void deadLetterSent() {
        deadLettered.incrementAndGet();
    }

    void transientFailure() {
        transientFailures.incrementAndGet();
    }

    void polled(long currentLag, long atMillis) {
        lag = currentLag;
        lastPollMillis = atMillis;
    }

    void assigned(int partitions) {
        assignedPartitions = partitions;
    }

    /** Grabs credited and refunds applied, each counted once however often it was delivered. */
    public long applied() {
        return applied.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** Claims refused and recorded in claim_anomalies for the first time. */
    public long anomalies() {
        return anomalies.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** Batches committed to the ledger. */
    public long batches() {
        return batches.get();
    }

    public long transientFailures() {
        return transientFailures.get();
    }

    /** Records behind the end of the assigned partitions, as of the last poll. */
    public long lag() {
        return lag;
    }

    /** Wall-clock time of the last poll that returned without error; 0 before the first. */
    public long lastPollMillis() {
        return lastPollMillis;
    }

    public int assignedPartitions() {
        return assignedPartitions;
    }
}
