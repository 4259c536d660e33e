package dev.rain.settlement.kafka;

import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.ledger.Anomaly;
import dev.rain.settlement.ledger.BatchResult;
import dev.rain.settlement.ledger.LedgerWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the settlement topic to the ledger: a plain poll loop on its own thread.
 *
 * <p>Each poll is settled in one database transaction, and its offsets are committed only after that
 * transaction committed, so a crash anywhere re-delivers records the ledger already has (it deduplicates on
 * bizId) and never skips one it has not. The transaction runs on a thread of its own ({@link LedgerInFlight})
 * while this thread commits the previous batch's offsets, polls the next records and has them decoded
 * ({@link DecodeAhead}); those are settled only after the batch in flight has ended settled, and dropped (sought
 * back to) whenever it has not. Failures are sorted ({@link FailureTriage}): fatal ones stop the loop,
 * transient ones rewind to what is settled and retry after a bounded backoff, and a record that can never be
 * settled goes to the dead-letter topic before it is committed past.
 */
public final class SettlementLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** How long close() waits for the loop to finish its batch and close the clients. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private final String topic;
    private final int maxTries;
    private final LedgerWriter ledger;
    private final Consumer<String, byte[]> consumer;
    private final DeadLetters deadLetters;
    private final DecodeAhead decodeAhead = new DecodeAhead();
    private final LedgerInFlight ledgerInFlight;
    private final SettlementMetrics metrics = new SettlementMetrics();
    private final RetryDelay retryDelay = new RetryDelay(Duration.ofMillis(100), Duration.ofSeconds(5));
    /** Settled in the ledger (or dead-lettered) but not yet committed to Kafka. Loop thread only. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    /** The batch whose transaction runs now, if any. Loop thread only. */
    private LedgerInFlight.Settling settling;
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final Thread thread;
    private boolean started;
    private volatile Throwable failure;

    public SettlementLoop(ConsumerConfig config, LedgerWriter ledger) {
        this(config, ledger, 0);
    }

    /** @param index which of the process's loops this is (from 0): it names the loop's threads */
    public SettlementLoop(ConsumerConfig config, LedgerWriter ledger, int index) {
        String clientId = config.group() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.topic = config.topic();
        this.maxTries = config.maxTries();
        this.ledger = ledger;
        this.ledgerInFlight = new LedgerInFlight(ledger, "rain-settlement-ledger-" + index);
        this.consumer = KafkaClients.consumer(config.kafkaBootstrap(), config.group(), clientId, config.maxBatch());
        this.deadLetters = new DeadLetters(KafkaClients.deadLetterProducer(config.kafkaBootstrap(), clientId + "-dlq"),
            config.deadLetterTopic());
        this.thread = new Thread(this::run, "rain-settlement-loop-" + index);
    }

    public synchronized SettlementLoop start() {
        if (!started && !closing()) {
            started = true;
            thread.start();
        }
        return this;
    }

    public SettlementMetrics metrics() {
        return metrics;
    }

    /** True while the loop thread runs; false once it stopped, whether closed or failed. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** What stopped the loop, if it stopped by itself. */
    public Throwable failure() {
        return failure;
    }

    /** Waits for the loop thread to end (after close() or a fatal failure). */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    /**
     * Stops the loop: the batch in flight is finished or abandoned (never half-committed), what is settled is
     * committed, the clients are closed. Returns within {@link #CLOSE_TIMEOUT} whatever the broker or database do.
     */
    @Override
    public void close() {
        synchronized (this) {
            closeRequested.countDown();
            if (!started) {
                closeClients();
                return;
            }
        }
        consumer.wakeup();
        try {
            if (!awaitStop(CLOSE_TIMEOUT)) {
                LOG.warn("settlement loop still busy after {} ms; leaving it to finish on its own",
                    CLOSE_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        LOG.info("settlement loop consuming {}", topic);
        try {
            consumer.subscribe(List.of(topic), new Rebalances());
            Batch pending = null;
            while (!closing()) {
                boolean busy = pending != null || settling != null;
                // With a batch waiting or in flight, take only what is already fetched: the database must not wait.
                ConsumerRecords<String, byte[]> records = consumer.poll(busy ? Duration.ZERO : POLL_TIMEOUT);
                metrics.polled(lag(), System.currentTimeMillis());
                DecodeAhead.Ahead ahead = records.isEmpty() ? null : decodeAhead.start(records);
                if (!land(pending, ahead)) {
                    pending = null;
                    if (ahead != null) {
                        ahead.drop();
                    }
                    continue;
                }
                // Never once closing: a batch settled one record at a time may have stopped half-way, and what
                // was polled after it must then not be settled (its offsets would pass the unsettled records).
                if (pending != null && !closing()) {
                    startSettling(pending);
                }
                // The batch just landed is committed while the database settles the next one.
                commitSettled();
                pending = ahead == null ? null : ahead.join();
            }
        } catch (RuntimeException | Error e) {
            if (!(closing() && FailureTriage.of(e) == FailureTriage.Verdict.SHUTDOWN)) {
                failure = e;
                LOG.error("settlement loop stopped by a failure it cannot retry", e);
            }
        } finally {
            bookIfSettled();
            commitSettledBeforeClosing();
            closeClients();
            LOG.info("settlement loop stopped: {} applied, {} duplicates, {} anomalies, {} dead-lettered",
                metrics.applied(), metrics.duplicates(), metrics.anomalies(), metrics.deadLettered());
        }
    }

    private void startSettling(Batch polled) {
        Batch batch = polled.ofPartitions(consumer.assignment());
        if (!batch.isEmpty()) {
            settling = ledgerInFlight.start(batch);
        }
    }

    /**
     * Waits for the batch in flight, if any, and books it: counted, its poison records dead-lettered, its offsets
     * handed to the next commit. A batch the ledger refused as a whole is settled again one record at a time.
     *
     * @return false when the batch was not settled and the consumer was sought back to it: then what was polled
     *     after it ({@code pending}, {@code ahead}) is read again too, and the caller must drop it
     */
    private boolean land(Batch pending, DecodeAhead.Ahead ahead) {
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
        uncommitted.putAll(batch.settledOffsets());
    }

    /**
     * Waits for the batch in flight and books it if its transaction committed; a failure is left to {@link #land}
     * (after the poll that called a rebalance listener) or dropped (when closing): its records are read again.
     */
    private void bookIfSettled() {
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
            if (closing()) {
                return;
            }
            if (entry.isPoison()) {
                deadLetter(entry, entry.poison());
            } else {
                settleAlone(entry);
            }
            batch.settledThrough(entry);
            uncommitted.putAll(batch.settledOffsets());
            commit();
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
     * Commits what is booked. A refusal the broker may lift (a rebalance in progress, a broker away) leaves the
     * offsets for the next call, one per loop turn, busy or idle: otherwise, after the last batch of a burst, the
     * partition would stay behind in the group's offsets though the ledger has everything. The fault suite's
     * Postgres crash met exactly that (a commit refused by a rebalance on the last batch).
     */
    private void commitSettled() {
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            commit();
        } catch (RuntimeException e) {
            if (FailureTriage.of(e) != FailureTriage.Verdict.TRANSIENT) {
                throw e;
            }
            LOG.debug("settled offsets still not committed, trying again on the next turn: {}", e.toString());
        }
    }

    private void commit() {
        // A partition that moved to another consumer is its new owner's to commit; ours would be refused forever.
        uncommitted.keySet().retainAll(consumer.assignment());
        if (!uncommitted.isEmpty()) {
            consumer.commitSync(Map.copyOf(uncommitted), COMMIT_TIMEOUT);
            uncommitted.clear();
        }
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

    private long lag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    private void commitSettledBeforeClosing() {
        for (int attempt = 1; attempt <= 2 && !uncommitted.isEmpty(); attempt++) {
            try {
                commit();
            } catch (WakeupException e) {
                // close()'s wakeup was still pending; it is consumed now, so the second attempt can commit.
            } catch (RuntimeException e) {
                LOG.warn("could not commit {} settled partitions on close; they will be re-delivered and found "
                    + "already applied: {}", uncommitted.size(), e.toString());
                return;
            }
        }
    }

    private void closeClients() {
        decodeAhead.close();
        ledgerInFlight.close();
        try {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer failed: {}", e.toString());
        }
        try {
            deadLetters.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the dead-letter producer failed: {}", e.toString());
        }
    }

    private boolean closing() {
        return closeRequested.getCount() == 0;
    }

    /** Commits what is settled of partitions leaving us, so their next owner does not redo it. */
    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // The batch in flight may hold records of these partitions: their offsets can only go with it, once
            // its transaction has committed. Otherwise the new owner re-reads them from what was committed before.
            bookIfSettled();
            Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
            partitions.forEach(partition -> {
                OffsetAndMetadata offset = uncommitted.remove(partition);
                if (offset != null) {
                    leaving.put(partition, offset);
                }
            });
            if (!leaving.isEmpty()) {
                try {
                    consumer.commitSync(leaving, COMMIT_TIMEOUT);
                } catch (RuntimeException e) {
                    LOG.warn("could not commit revoked partitions {}; their next owner re-applies them: {}",
                        leaving.keySet(), e.toString());
                }
            }
            LOG.info("partitions revoked: {}", partitions);
            metrics.assigned(consumer.assignment().size() - partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("partitions assigned: {}", partitions);
            metrics.assigned(consumer.assignment().size());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(uncommitted::remove);
            LOG.warn("partitions lost: {}", partitions);
            metrics.assigned(consumer.assignment().size() - partitions.size());
        }
    }
}
