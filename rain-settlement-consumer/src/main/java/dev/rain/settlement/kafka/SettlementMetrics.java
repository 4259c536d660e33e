package dev.rain.settlement.kafka;

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
