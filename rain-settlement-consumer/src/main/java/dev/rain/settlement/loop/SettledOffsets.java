package dev.rain.settlement.loop;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offsets of records the ledger has settled (or that went to the dead-letter topic) and Kafka has not been told
 * of yet. An offset is handed here only after its batch's transaction committed, so a commit never passes a record
 * the ledger lacks. Loop thread only (the rebalance listener runs on it too, inside a poll).
 */
final class SettledOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(SettledOffsets.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<String, byte[]> consumer;
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();

    SettledOffsets(Consumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    void settled(Map<TopicPartition, OffsetAndMetadata> offsets) {
        uncommitted.putAll(offsets);
    }

    /**
     * Commits what is booked. A refusal the broker may lift (a rebalance in progress, a broker away) leaves the
     * offsets for the next call, one per loop turn, busy or idle: otherwise, after the last batch of a burst, the
     * partition would stay behind in the group's offsets though the ledger has everything.
     */
    void commitSettled() {
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

    void commit() {
        // A partition that moved to another consumer is its new owner's to commit; ours would be refused forever.
        uncommitted.keySet().retainAll(consumer.assignment());
        if (!uncommitted.isEmpty()) {
            consumer.commitSync(Map.copyOf(uncommitted), COMMIT_TIMEOUT);
            uncommitted.clear();
        }
    }

    void commitBeforeClosing() {
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

    /** Commits what is settled of partitions leaving us, so their next owner does not redo it. */
    void commitRevoked(Collection<TopicPartition> partitions) {
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
    }

    /** Partitions lost without a revoke: their offsets can no longer be committed by us. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(uncommitted::remove);
    }
}
