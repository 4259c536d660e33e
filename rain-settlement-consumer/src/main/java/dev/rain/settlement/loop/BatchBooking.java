package dev.rain.settlement.loop;

import dev.rain.settlement.kafka.DeadLetters;
import dev.rain.common.ledger.settle.Anomaly;
import dev.rain.common.ledger.settle.BatchResult;
import dev.rain.common.ledger.settle.LedgerWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the loop's batches in the ledger, one transaction in flight at a time, and books each one that committed:
 * counted, its poison records dead-lettered, its offsets handed to {@link SettledOffsets}. What happens to a failure
 * is decided here, by {@link FailureTriage}'s verdict, in one place:
 *
 * <table>
 *   <caption>failure → what is done</caption>
 *   <tr><th>failure</th><th>verdict</th><th>what is done</th></tr>
 *   <tr><td>a record that cannot be decoded</td><td>poison</td>
 *       <td>sent to the dead-letter topic when its batch is booked, then committed past</td></tr>
 *   <tr><td>a claim the ledger refuses (slot taken, escrow cannot pay, unknown rain)</td><td>none: settled</td>
 *       <td>recorded by the ledger as an anomaly in the same transaction; reconciliation lists it</td></tr>
 *   <tr><td>the batch's transaction fails the same way every time (a bug, a constraint)</td><td>DETERMINISTIC</td>
 *       <td>split: the batch is settled again one record at a time</td></tr>
 *   <tr><td>one record, settled alone, fails the same way</td><td>DETERMINISTIC</td>
 *       <td>tried {@code maxTries} times, then sent to the dead-letter topic and committed past</td></tr>
 *   <tr><td>the database or broker is away, a rebalance refuses a commit</td><td>TRANSIENT</td>
 *       <td>the consumer seeks back to the first record not settled, backs off (100 ms doubling to 5 s), retries</td></tr>
 *   <tr><td>authorization, fencing, a bad setup</td><td>FATAL</td>
 *       <td>the loop stops; health turns red</td></tr>
 *   <tr><td>close() woke the consumer</td><td>SHUTDOWN</td>
 *       <td>the loop stops; a batch not committed is read again by the next owner</td></tr>
 * </table>
 *
 * <p>Loop thread only; the transaction itself runs on {@link LedgerInFlight}'s thread.
 */
final class BatchBooking implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchBooking.class);

    private final Consumer<String, byte[]> consumer;
    private final LedgerWriter ledger;
    private final LedgerInFlight ledgerInFlight;
    private final DeadLetters deadLetters;
    private final SettledOffsets offsets;
    private final SettlementMetrics metrics;
    private final int maxTries;
    private final CountDownLatch closeRequested;
    private final RetryDelay retryDelay = new RetryDelay(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** The batch whose transaction runs now, if any. */
    private LedgerInFlight.Settling settling;

    BatchBooking(Consumer<String, byte[]> consumer, LedgerWriter ledger, LedgerInFlight ledgerInFlight,
                 DeadLetters deadLetters, SettledOffsets offsets, SettlementMetrics metrics, int maxTries,
                 CountDownLatch closeRequested) {
        this.consumer = consumer;
        this.ledger = ledger;
        this.ledgerInFlight = ledgerInFlight;
        this.deadLetters = deadLetters;
        this.offsets = offsets;
        this.metrics = metrics;
        this.maxTries = maxTries;
        this.closeRequested = closeRequested;
    }

    boolean inFlight() {
        return settling != null;
    }

    /** Starts the transaction of what was polled, less partitions a rebalance has moved away meanwhile. */
    void start(Batch polled) {
        Batch batch = polled.ofPartitions(consumer.assignment());
        if (!batch.isEmpty()) {
            settling = ledgerInFlight.start(batch);
        }
    }

    /**
     * Waits for the batch in flight, if any, and books it. A batch the ledger refused as a whole is settled again
     * one record at a time.
     *
     * @return false when the batch was not settled and the consumer was sought back to it: then what was polled
     *     after it ({@code pending}, {@code ahead}) is read again too, and the caller must drop it
     */
    boolean land(Batch pending, DecodeAhead.Ahead ahead) {
        LedgerInFlight.Settling landing = settling;
        settling = null;
        if (landing == null || landing.booked()) {
            return true;
        }
        Batch batch = landing.batch();
        try {
            try {
                book(batch, landing.await());
            } catch (SQLException | RuntimeException e) {
                if (FailureTriage.of(e) != FailureTriage.Verdict.DETERMINISTIC) {
                    throw e;
                }
                // A rebalance during the transaction may have moved partitions away: theirs is the new owner's now.
                batch = batch.ofPartitions(consumer.assignment());
                LOG.warn("batch of {} records failed ({}); settling them one at a time", batch.size(), e.toString());
                settleOneByOne(batch);
            }
            retryDelay.reset();
            return true;
        } catch (SQLException | RuntimeException e) {
            switch (FailureTriage.of(e)) {
                case TRANSIENT -> retryLater(batch, polledAfter(pending, ahead), e);
                case SHUTDOWN -> throw (RuntimeException) e;
                // Fatal, or deterministic outside any one record (committing, dead-lettering): nothing to skip.
                default -> throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            }
            return false;
        }
    }

    private void book(Batch batch, BatchResult result) {
        counted(result);
        for (Batch.Entry poison : batch.poisons()) {
            deadLetter(poison, poison.poison());
        }
        batch.settledAll();
        offsets.settled(batch.settledOffsets());
    }

    /**
     * Waits for the batch in flight and books it if its transaction committed; a failure is left to {@link #land}
     * (after the poll that called a rebalance listener) or dropped (when closing): its records are read again.
     */
    void bookIfSettled() {
        LedgerInFlight.Settling current = settling;
        if (current == null || current.booked()) {
            return;
        }
        BatchResult result;
        try {
            result = current.await();
        } catch (SQLException | RuntimeException e) {
            return;
        }
        try {
            book(current.batch(), result);
            current.markBooked();
        } catch (RuntimeException e) {
            // A dead letter that could not be sent: land() books the batch again and retries it.
            LOG.warn("could not book the batch that was in flight yet: {}", e.toString());
        }
    }

    /** Per partition, where the records polled after the batch in flight start: {@code pending}, then {@code ahead}. */
    private static Map<TopicPartition, Long> polledAfter(Batch pending, DecodeAhead.Ahead ahead) {
        Map<TopicPartition, Long> first = new HashMap<>(ahead == null ? Map.of() : ahead.firstOffsets());
        if (pending != null) {
            first.putAll(pending.unsettledFrom());
        }
        return first;
    }

    /** Finds the records that fail on their own: each gets {@code maxTries}, then the dead-letter topic. */
    private void settleOneByOne(Batch batch) throws SQLException {
        for (Batch.Entry entry : batch.entries()) {
            if (closeRequested.getCount() == 0) {
                return;
            }
            if (entry.isPoison()) {
                deadLetter(entry, entry.poison());
            } else {
                settleAlone(entry);
            }
            batch.settledThrough(entry);
            offsets.settled(batch.settledOffsets());
            offsets.commit();
        }
    }

    private void settleAlone(Batch.Entry entry) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                counted(ledger.apply(List.of(entry.claim())));
                return;
            } catch (SQLException | RuntimeException e) {
                if (FailureTriage.of(e) != FailureTriage.Verdict.DETERMINISTIC) {
                    throw e;
                }
                if (attempt >= maxTries) {
                    deadLetter(entry, e);
                    return;
                }
                LOG.warn("record {} failed, try {} of {}: {}", entry, attempt, maxTries, e.toString());
            }
        }
    }

    private void deadLetter(Batch.Entry entry, Throwable error) {
        deadLetters.send(entry.record(), error);
        metrics.deadLetterSent();
        LOG.warn("record {} sent to the dead-letter topic: {}", entry, error.toString());
    }

    private void counted(BatchResult result) {
        metrics.settled(result.applied(), result.duplicates(), result.newAnomalies().size());
        for (Anomaly anomaly : result.newAnomalies()) {
            LOG.warn("claim refused: {} {} of {} for {}: {}", anomaly.reason(), anomaly.claim().bizId(),
                anomaly.claim().amount(), anomaly.claim().userId(), anomaly.detail());
        }
        LOG.debug("batch settled: {} applied, {} duplicates, {} new anomalies", result.applied(),
            result.duplicates(), result.newAnomalies().size());
    }

    /**
     * Seeks back to the first record not settled; everything before it is in the ledger (or dead-lettered). The
     * records polled after the batch ({@code polledAfter}: partition to first offset) are dropped unsettled, so
     * their partitions go back to where those started, unless the batch itself reaches further back.
     */
    private void retryLater(Batch batch, Map<TopicPartition, Long> polledAfter, Exception e) {
        metrics.transientFailure();
        Duration delay = retryDelay.next();
        LOG.warn("batch of {} records not settled, retrying in {} ms: {}", batch.size(), delay.toMillis(),
            e.toString());
        var owned = consumer.assignment();
        Map<TopicPartition, Long> rewind = new HashMap<>(polledAfter);
        rewind.putAll(batch.unsettledFrom());
        rewind.forEach((partition, offset) -> {
            if (owned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        try {
            closeRequested.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    /** The loop has awaited the last transaction; then the dead-letter producer is closed. */
    @Override
    public void close() {
        ledgerInFlight.close();
        try {
            deadLetters.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the dead-letter producer failed: {}", e.toString());
        }
    }
}
