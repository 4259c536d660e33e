package dev.rain.settlement.loop;

import dev.rain.settlement.decode.ClaimDecoder;
import dev.rain.settlement.decode.PoisonRecordException;
import dev.rain.common.ledger.settle.Claim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** One poll's records, decoded, with how far each partition has been settled. */
final class Batch {

    /** A record with either its claim or the reason it is poison. */
    record Entry(ConsumerRecord<String, byte[]> record, Claim claim, PoisonRecordException poison) {

        boolean isPoison() {
            return poison != null;
        }

        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }

        @Override
        public String toString() {
            return record.topic() + "-" + record.partition() + "@" + record.offset();
        }
    }

    private final List<Entry> entries;
    /** Per partition, the first offset not yet settled: where to seek back to when the batch must be retried. */
    private final Map<TopicPartition, Long> unsettledFrom = new HashMap<>();

    private Batch(List<Entry> entries) {
        this.entries = entries;
        for (Entry entry : entries) {
            unsettledFrom.putIfAbsent(entry.partition(), entry.record().offset());
        }
    }

    static Batch decode(ConsumerRecords<String, byte[]> records) {
        List<Entry> entries = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                entries.add(new Entry(record, ClaimDecoder.decode(record.value(), record.headers()), null));
            } catch (PoisonRecordException e) {
                entries.add(new Entry(record, null, e));
            }
        }
        return new Batch(entries);
    }

    /**
     * The entries of partitions still assigned to us. A rebalance during the poll that ran ahead of this batch
     * may have moved some away: their new owner reads them from the last committed offset, so settling them here
     * too would only make the two of us wait on each other's rows for duplicates.
     */
    Batch ofPartitions(Set<TopicPartition> assigned) {
        if (assigned.containsAll(unsettledFrom.keySet())) {
            return this;
        }
        return new Batch(entries.stream().filter(entry -> assigned.contains(entry.partition())).toList());
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    List<Entry> entries() {
        return entries;
    }

    List<Claim> claims() {
        return entries.stream().filter(entry -> !entry.isPoison()).map(Entry::claim).toList();
    }

    List<Entry> poisons() {
        return entries.stream().filter(Entry::isPoison).toList();
    }

    int size() {
        return entries.size();
    }

    /** Records that {@code entry} and everything before it in its partition are settled. */
    void settledThrough(Entry entry) {
        unsettledFrom.put(entry.partition(), entry.record().offset() + 1);
    }

    void settledAll() {
        entries.forEach(this::settledThrough);
    }

    Map<TopicPartition, Long> unsettledFrom() {
        return Map.copyOf(unsettledFrom);
    }

    /** Per partition, the first offset of records polled but not yet decoded: where to seek back to for them. */
    static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            first.put(partition, records.records(partition).get(0).offset());
        }
        return first;
    }

    /** The offsets to commit for what is settled: the next offset to read, per partition. */
    Map<TopicPartition, OffsetAndMetadata> settledOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        unsettledFrom.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        return offsets;
    }
}
