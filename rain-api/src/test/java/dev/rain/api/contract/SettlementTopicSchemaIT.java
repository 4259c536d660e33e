package dev.rain.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import dev.rain.api.ApiClient;
import dev.rain.api.ApiHarness;
import dev.rain.common.event.SettlementEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the API really puts on the settlement topic, held to docs/schemas/settlement-event.v1.json and docs/asyncapi.yaml. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettlementTopicSchemaIT {

    private static final String ANCHOR = "anchor-schema";
    private static final String ROOM = "room-schema";
    private static final long TOTAL = 500;

    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("topic-schema");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("the GRAB and REFUND records of a rain conform to the schema, keyed by the credited user, grabs with their slot")
    void grabAndRefundRecordsConformToTheSchema() throws Exception {
        String code = system.runningRain(ANCHOR, new JsonObject().put("roomId", ROOM).put("totalAmount", TOTAL)
            .put("totalCount", 5).put("mode", "LUCKY").put("maxGrabsPerUser", 2).put("countdownSeconds", 0)
            .put("durationSeconds", 300));
        long won = grab(code, "viewer-a") + grab(code, "viewer-a") + grab(code, "viewer-b");
        ApiClient.Answer closed = system.client.post("/v1/rains/" + code + "/close", system.token(ANCHOR, "anchor"), null);
        assertEquals(200, closed.status(), closed.raw());

        Map<String, ConsumerRecord<String, byte[]>> records = readUntil(4);
        Schema schema = JsonSchemas.of(JsonSchemas.readJson("docs/schemas/settlement-event.v1.json"));
        for (ConsumerRecord<String, byte[]> record : records.values()) {
            JsonNode value = JsonSchemas.JSON.readTree(record.value());
            assertEquals(List.of(), JsonSchemas.violations(schema, value), value.toString());
            assertEquals(value.path("userId").asText(), record.key(), "the key is the credited user");
        }
        ConsumerRecord<String, byte[]> refund = records.get(code + ":refund");
        JsonNode refundValue = JsonSchemas.JSON.readTree(refund.value());
        assertEquals("REFUND", refundValue.path("type").asText());
        assertEquals(ANCHOR, refundValue.path("userId").asText());
        assertEquals(TOTAL - won, refundValue.path("amount").asLong());
        assertEquals(Set.of("1", "2"), slotsOf(records, "viewer-a"), "viewer-a's two grabs took slots 1 and 2");
        assertEquals(Set.of("1"), slotsOf(records, "viewer-b"));
    }

    /** Grabs one packet, asserted WON: its amount. */
    private long grab(String code, String viewer) {
        ApiClient.Answer answer = system.client.post("/v1/rains/" + code + "/grab", system.token(viewer, "viewer"),
            new JsonObject().put("roomId", ROOM));
        assertEquals("WON", answer.body().getString("outcome"), answer.raw());
        return answer.body().getLong("amount");
    }

    private static Set<String> slotsOf(Map<String, ConsumerRecord<String, byte[]>> records, String viewer) {
        Set<String> slots = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> record : records.values()) {
            if (viewer.equals(record.key())) {
                Header slot = record.headers().lastHeader(SettlementEvent.GRAB_SLOT_HEADER);
                assertTrue(slot != null, "a grab carries " + SettlementEvent.GRAB_SLOT_HEADER);
                slots.add(new String(slot.value(), StandardCharsets.US_ASCII));
            }
        }
        return slots;
    }

    /** The topic's records by bizId, read from the start by a group of the test's own, until {@code count} distinct ones. */
    private Map<String, ConsumerRecord<String, byte[]>> readUntil(int count) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "schema-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, ConsumerRecord<String, byte[]>> byBizId = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(system.topic()));
            long deadline = System.currentTimeMillis() + 60_000;
            while (byBizId.size() < count && System.currentTimeMillis() < deadline) {
                // At least once: a claim the sweeper sent again is the same bizId, kept once here.
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    byBizId.put(JsonSchemas.JSON.readTree(record.value()).path("bizId").asText(), record);
                }
            }
        }
        assertEquals(count, byBizId.size(), "distinct records on the topic: " + byBizId.keySet());
        return byBizId;
    }
}
