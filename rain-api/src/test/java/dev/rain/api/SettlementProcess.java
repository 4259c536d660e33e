package dev.rain.api;

import dev.rain.settlement.SettlementService;
import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.loop.SettlementMetrics;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The real settlement consumer, run in the test's JVM against the same Kafka and Postgres. */
final class SettlementProcess implements AutoCloseable {

    private final SettlementService service;
    private final ConsumerConfig config;

    private SettlementProcess(SettlementService service, ConsumerConfig config) {
        this.service = service;
        this.config = config;
    }

    static SettlementProcess start(Map<String, String> environment, String group) {
        ConsumerConfig config = ConsumerConfig.fromEnv(environment).withGroup(group);
        return new SettlementProcess(SettlementService.start(config), config);
    }

    String group() {
        return config.group();
    }

    /** Its loops' counters together: batches committed, records applied, partitions assigned. */
    SettlementMetrics metrics() {
        return service.metrics();
    }

    /** Waits until this consumer's group has committed up to the end of every partition of {@code topic}. */
    void awaitCaughtUp(String topic, long timeoutMillis) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try (Admin admin = Admin.create(props)) {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS);
            while (System.currentTimeMillis() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.group())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                boolean caughtUp = partitions.stream().allMatch(p -> ends.get(p).offset() == 0
                    || (committed.get(p) != null && committed.get(p).offset() >= ends.get(p).offset()));
                if (caughtUp) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("consumer group " + config.group() + " did not catch up with " + topic);
    }

    @Override
    public void close() {
        service.close();
    }
}
