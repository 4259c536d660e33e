package dev.rain.settlement.loop;

import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.kafka.DeadLetters;
import dev.rain.settlement.kafka.KafkaClients;
import dev.rain.common.ledger.settle.LedgerWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the settlement topic to the ledger: a plain poll loop on its own thread.
 *
 * <p>Each turn: poll; land the batch whose transaction ran meanwhile ({@link BatchBooking}); start the transaction
 * of the batch polled last turn; commit what is settled ({@link SettledOffsets}); wait for this turn's records to be
 * decoded ({@link DecodeAhead}). So the database settles one batch while this thread commits the previous one's
 * offsets and polls and decodes the next, and an offset is still committed only after its transaction committed:
 * a crash anywhere re-delivers records the ledger already has (it deduplicates on bizId) and never skips one it
 * has not. What a failure leads to is decided in one place, {@link BatchBooking}.
 */
public final class SettlementLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** How long close() waits for the loop to finish its batch and close the clients. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private final String topic;
    private final Consumer<String, byte[]> consumer;
    private final DecodeAhead decodeAhead = new DecodeAhead();
    private final SettlementMetrics metrics = new SettlementMetrics();
    private final SettledOffsets offsets;
    private final DeadLetters deadLetters;
    private final BatchBooking booking;
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
        this.consumer = KafkaClients.consumer(config.kafkaBootstrap(), config.kafkaSecurity(), config.group(), clientId, config.maxBatch());
        this.offsets = new SettledOffsets(consumer);
        this.deadLetters = new DeadLetters(KafkaClients.deadLetterProducer(config.kafkaBootstrap(),
            config.kafkaSecurity(), clientId + "-dlq"), config.deadLetterTopic());
        this.booking = new BatchBooking(consumer, ledger, new LedgerInFlight(ledger, "rain-settlement-ledger-" + index),
            deadLetters, offsets, metrics, config.maxTries(), closeRequested);
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

    /**
     * The Kafka clients' own metrics (fetch lag and rate, request latency, the dead-letter producer's errors),
     * read through their thread-safe {@code metrics()}, never by calling into the loop's consumer.
     */
    public List<MeterBinder> kafkaClientMetrics() {
        return List.of(new KafkaClientMetrics(consumer), deadLetters.clientMetrics());
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
                boolean busy = pending != null || booking.inFlight();
                // With a batch waiting or in flight, take only what is already fetched: the database must not wait.
                ConsumerRecords<String, byte[]> records = consumer.poll(busy ? Duration.ZERO : POLL_TIMEOUT);
                metrics.polled(lag(), System.currentTimeMillis());
                DecodeAhead.Ahead ahead = records.isEmpty() ? null : decodeAhead.start(records);
                if (!booking.land(pending, ahead)) {
                    pending = null;
                    if (ahead != null) {
                        ahead.drop();
                    }
                    continue;
                }
                // Never once closing: a batch settled one record at a time may have stopped half-way, and what
                // was polled after it must then not be settled (its offsets would pass the unsettled records).
                if (pending != null && !closing()) {
                    booking.start(pending);
                }
                // The batch just landed is committed while the database settles the next one.
                offsets.commitSettled();
                pending = ahead == null ? null : ahead.join();
            }
        } catch (RuntimeException | Error e) {
            if (!(closing() && FailureTriage.of(e) == FailureTriage.Verdict.SHUTDOWN)) {
                failure = e;
                LOG.error("settlement loop stopped by a failure it cannot retry", e);
            }
        } finally {
            booking.bookIfSettled();
            offsets.commitBeforeClosing();
            closeClients();
            LOG.info("settlement loop stopped: {} applied, {} duplicates, {} anomalies, {} dead-lettered",
                metrics.applied(), metrics.duplicates(), metrics.anomalies(), metrics.deadLettered());
        }
    }

    private long lag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    private void closeClients() {
        decodeAhead.close();
        booking.close();
        try {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer failed: {}", e.toString());
        }
    }

    private boolean closing() {
        return closeRequested.getCount() == 0;
    }

    /** Partitions leaving us take what is settled of them along, committed, so their next owner does not redo it. */
    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // The batch in flight may hold records of these partitions: their offsets can only go with it, once
            // its transaction has committed. Otherwise the new owner re-reads them from what was committed before.
            booking.bookIfSettled();
            offsets.commitRevoked(partitions);
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
            offsets.forget(partitions);
            LOG.warn("partitions lost: {}", partitions);
            metrics.assigned(consumer.assignment().size() - partitions.size());
        }
    }
}
