package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.kafka.Producers;
import dev.rain.common.config.KafkaSecurity;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the anchor's reconciliation sees that the money's own sums cannot. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReconciliationIT {

    private static final String ANCHOR = "recon-anchor";
    private static final String ROOM = "room-recon";

    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("reconciliation");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    /**
     * Found by the benchmark's money audit: a rain whose packets no viewer ever grabbed had all of them credited from
     * claims written straight to the topic, and its reconciliation said balanced, because the journal, the escrow
     * and the settled counters all agreed with each other.
     */
    @Test
    @DisplayName("claims that no grab produced are credited, and the finished rain's reconciliation says so")
    void creditsBeyondWhatTheShardsHandedOutAreAnAnomaly() throws Exception {
        String code = system.runningRain(ANCHOR, new JsonObject().put("roomId", ROOM).put("totalAmount", 1_000)
            .put("totalCount", 10).put("mode", "EQUAL").put("countdownSeconds", 0));
        String anchorToken = system.token(ANCHOR, "anchor");

        ApiClient.Answer won = system.client.post("/v1/rains/" + code + "/grab", system.token("recon-viewer", "viewer"),
            new JsonObject().put("roomId", ROOM));
        assertEquals("WON", won.body().getString("outcome"), won.raw());
        String wonPacket = won.body().getString("packetId");

        // Two claims for two other packets of the rain, as a message from elsewhere would carry them.
        List<Integer> forged = IntStream.range(0, 10).boxed()
            .filter(i -> !Ids.packetId(code, i).equals(wonPacket)).limit(2).toList();
        try (KafkaProducer<String, byte[]> producer = Producers.settlement(system.kafkaBootstrap(), KafkaSecurity.PLAINTEXT, "recon-forger")) {
            for (int index : forged) {
                String user = "forger-" + index;
                SettlementEvent claim = SettlementEvent.grab(Ids.packetId(code, index), code, ROOM, ANCHOR, user, 100,
                    Instant.now().toString());
                ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(system.topic(), user, Json.MAPPER.writeValueAsBytes(claim));
                record.headers().add(new RecordHeader(SettlementEvent.GRAB_SLOT_HEADER,
                    "1".getBytes(StandardCharsets.US_ASCII)));
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (system.queryLong("SELECT settled_count FROM rains WHERE config_code = ?", code) < 3) {
            assertTrue(System.currentTimeMillis() < deadline, "the ledger never credited the three claims");
            Thread.sleep(100);
        }

        assertEquals(200, system.client.post("/v1/rains/" + code + "/close", anchorToken, null).status());
        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(1, detail.getLong("grabbedCount"), detail.encode());

        JsonObject report = system.client.get("/v1/rains/" + code + "/reconciliation", anchorToken).body();
        // The money itself adds up: that is why no other check of the report saw it.
        assertEquals(1_000, report.getLong("funded"), report.encode());
        assertEquals(300, report.getLong("credited"), report.encode());
        assertEquals(700, report.getLong("refunded"), report.encode());
        assertFalse(report.getBoolean("balanced"), report.encode());
        JsonArray anomalies = report.getJsonArray("anomalies");
        assertEquals(1, anomalies.size(), report.encode());
        assertEquals("CREDITED_BEYOND_CLAIMS", anomalies.getJsonObject(0).getString("kind"), report.encode());
        assertEquals("the ledger credited 300 in 3 grabs, the rain's shards handed out 100 in 1",
            anomalies.getJsonObject(0).getString("detail"));
        assertEquals(1, report.getLong("anomalyCount"), report.encode());
    }
}
