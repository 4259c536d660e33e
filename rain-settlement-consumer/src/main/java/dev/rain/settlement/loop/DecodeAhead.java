package dev.rain.settlement.loop;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Decodes the next poll's records on a thread of its own while the loop thread settles the previous batch, so the
 * consumer's CPU work overlaps the database's. Only decoding moves: polling, settling, dead-lettering and committing
 * stay on the loop thread, in the same order as before.
 */
final class DecodeAhead implements AutoCloseable {

    /** Records polled and being decoded, not yet settled. */
    static final class Ahead {

        private final ConsumerRecords<String, byte[]> records;
        private final Future<Batch> decoded;

        private Ahead(ConsumerRecords<String, byte[]> records, Future<Batch> decoded) {
            this.records = records;
            this.decoded = decoded;
        }

        /** Where each of its partitions starts: the loop seeks back here when it drops these records unsettled. */
        Map<TopicPartition, Long> firstOffsets() {
            return Batch.firstOffsets(records);
        }

        /** Waits for the decoding; a failure that is not a poison record (those are in the batch) is rethrown. */
        Batch join() {
            return Futures.await(decoded, RuntimeException.class);
        }

        void drop() {
            decoded.cancel(false);
        }
    }

    /** One thread and at most one batch at a time: the loop joins each decoding before it starts the next. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "rain-settlement-decode");
        thread.setDaemon(true);
        return thread;
    });

    Ahead start(ConsumerRecords<String, byte[]> records) {
        return new Ahead(records, executor.submit(() -> Batch.decode(records)));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
