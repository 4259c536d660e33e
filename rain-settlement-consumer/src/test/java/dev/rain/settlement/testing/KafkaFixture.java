package dev.rain.settlement.testing;

import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.testing.RealServices;
import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics of one test on the real broker, a producer playing the API's outbox relay, and offset look-ups. */
public final class KafkaFixture implements AutoCloseable {

    public static final int PARTITIONS = 4;

    private final String bootstrap = RealServices.get().kafkaBootstrap();
    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> created = new ArrayList<>();

    public KafkaFixture() {
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(adminProps);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight per partition: with more, a first batch refused by a partition that is still being
        // created can be overtaken and then spin on OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-15591, still in 4.3.1).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    /** A settlement topic and its dead-letter topic, both new, {@value #PARTITIONS} partitions each. */
    public String newTopics(String purpose) throws Exception {
        String topic = "rain.settlement.it." + purpose + "." + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1),
            new NewTopic(topic + ".dlq", PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        created.add(topic);
        created.add(topic + ".dlq");
        awaitLeaders(topic);
        awaitLeaders(topic + ".dlq");
        return topic;
    }

    /** A topic is usable once the broker has applied its creation, i.e. every partition has a leader. */
    private void awaitLeaders(String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
                if (description.partitions().size() == PARTITIONS
                    && description.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("topic " + topic + " has no leaders after 30 s");
    }

    /** The consumer's configuration for this topic, a fresh group and the given database. */
    public ConsumerConfig config(String topic, LedgerFixture ledger, int maxBatch) {
        Map<String, String> env = new HashMap<>();
        env.put("RAIN_KAFKA_BOOTSTRAP", bootstrap);
        env.put("RAIN_SETTLEMENT_TOPIC", topic);
        env.put("RAIN_SETTLEMENT_DLQ_TOPIC", topic + ".dlq");
        env.put("RAIN_SETTLEMENT_GROUP", "rain-settlement-it-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("RAIN_PG_URL", ledger.postgres().jdbcUrl());
        env.put("RAIN_PG_USER", ledger.postgres().user());
        env.put("RAIN_PG_PASSWORD", ledger.postgres().password());
        env.put("RAIN_SETTLEMENT_MAX_BATCH", Integer.toString(maxBatch));
        env.put("RAIN_SETTLEMENT_MAX_TRIES", "3");
        env.put("RAIN_CONSUMER_HEALTH_PORT", "0");
        return ConsumerConfig.fromEnv(env);
    }

    /** Publishes a grab as the API's relay does: keyed by the viewer, its slot in a header. */
    public RecordMetadata publish(String topic, Claim claim) throws Exception {
        return producer.send(record(topic, claim)).get(30, TimeUnit.SECONDS);
    }

    private static ProducerRecord<String, byte[]> record(String topic, Claim claim) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        if (claim.isGrab()) {
            headers.add(SettlementEvent.GRAB_SLOT_HEADER,
                Integer.toString(claim.slot()).getBytes(StandardCharsets.US_ASCII));
        }
        return new ProducerRecord<>(topic, null, claim.userId(), Json.MAPPER.writeValueAsBytes(claim.event()),
            headers);
    }

    /** Publishes in order, all at once, and returns where each landed. */
    public List<RecordMetadata> publishAll(String topic, List<Claim> claims) throws Exception {
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        for (Claim claim : claims) {
            pending.add(producer.send(record(topic, claim)));
        }
        List<RecordMetadata> sent = new ArrayList<>();
        for (Future<RecordMetadata> future : pending) {
            sent.add(future.get(30, TimeUnit.SECONDS));
        }
        return sent;
    }

    public RecordMetadata publishRaw(String topic, String key, byte[] value, RecordHeaders headers) throws Exception {
        return producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(30, TimeUnit.SECONDS);
    }

    /** Committed offsets of the group on the topic's partitions; a partition without one is left out. */
    public Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null) {
                committed.put(partition, offset.offset());
            }
        });
        return committed;
    }

    /** The group's state on its coordinator, e.g. PREPARING_REBALANCE while it waits for members to rejoin. */
    public String groupState(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS)
            .groupState().name();
    }

    public long committedTotal(String group) throws Exception {
        return committed(group).values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ends = new HashMap<>();
        result.forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** Reads a whole topic from the beginning until {@code expected} records arrived or the time is up. */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            StringDeserializer.class.getName());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Deletes this fixture's topics, so runs do not pile partitions up on a developer's broker. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        try {
            admin.deleteTopics(created).all().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("could not delete test topics " + created + ": " + e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
