package dev.rain.settlement.kafka;

import dev.rain.common.config.KafkaSecurity;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The settlement consumer's Kafka clients, configured in one place. */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, KafkaSecurity security, String group,
            String clientId, int maxBatch) {
        return new KafkaConsumer<>(consumerProperties(bootstrap, security, group, clientId, maxBatch));
    }

    static Properties consumerProperties(String bootstrap, KafkaSecurity security, String group, String clientId,
            int maxBatch) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(security.clientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Classic, not KIP-848's "consumer": the 3.9 brokers of docker-compose and the test containers lack it.
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        // Incremental rebalances: partitions that stay with us keep being settled while others move.
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // Offsets move only after the ledger committed the batch; auto-commit could skip an unapplied record.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Never settle a write its producer aborted, should a producer ever write in transactions.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A new group (or one whose offsets expired) starts from the oldest claim: a credit is never skipped.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A fetch waits for 256 KiB (about 1,000 claims) or 100 ms instead of answering with whatever arrived: fewer,
        // fuller fetches, commits and ledger transactions when claims trickle in, well within the 1 s budget.
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, Integer.toString(256 * 1024));
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        // One poll is one database transaction; this bounds its size.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            Integer.toString(maxBatch));
        // A consumer that died (kill -9, lost host) hands its partitions over after 10 s rather than Kafka's
        // default 45 s: until then nothing on them is credited. Heartbeats at a third of that, as Kafka advises.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // A transaction of a full batch, retried through a short outage, stays well inside this.
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class.getName());
        // Values stay bytes: decoding is ours, so a malformed one is a poison record, not a consumer crash.
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName());
        return props;
    }

    public static KafkaProducer<String, byte[]> deadLetterProducer(String bootstrap, KafkaSecurity security,
            String clientId) {
        return new KafkaProducer<>(deadLetterProperties(bootstrap, security, clientId));
    }

    static Properties deadLetterProperties(String bootstrap, KafkaSecurity security, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(security.clientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // A record is skipped only once every in-sync replica holds its dead letter.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // The producer's own retries must not write a dead letter twice or out of order.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // While the broker is away, send() gives up after this instead of blocking the loop (and close()).
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        // The loop waits for each dead letter; after this it rewinds and tries the batch again.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class.getName());
        return props;
    }
}
