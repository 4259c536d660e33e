package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RainLifecycleIT {

    ApiHarness system;
    private final AtomicInteger anchors = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        system = startSystem();
    }

    /** The system under test; {@link RainLifecycleOnClusterIT} runs the same tests on Redis Cluster. */
    ApiHarness startSystem() throws Exception {
        return new ApiHarness("lifecycle");
    }

    /** Called once a rain's packets are loaded, before it starts: where subclasses look at Redis. */
    void afterPrepare(String code) throws Exception {
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("10,000 packets grabbed by 500 viewers at once pay out exactly the total, each packet to one viewer")
    void burstOfViewersTakesEveryPacketExactlyOnce() throws Exception {
        String anchor = newAnchor(2_000_000);
        String code = rain(anchor, "room-burst", 1_000_000, 10_000, "LUCKY", 30, 0, 300);
        prepareAndStart(anchor, code);

        Map<String, Won> wins = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> winsByViewer = new ConcurrentHashMap<>();
        AtomicInteger soldOut = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<Future<?>> viewers = new ArrayList<>();
        for (int v = 0; v < 500; v++) {
            String viewer = "burst-viewer-" + v;
            String token = system.token(viewer, "viewer");
            viewers.add(pool.submit(() -> {
                while (true) {
                    ApiClient.Answer answer = system.client.post("/v1/rains/" + code + "/grab", token,
                        new JsonObject().put("roomId", "room-burst"));
                    if (answer.status() == 409 && "ENDED".equals(answer.code())) {
                        // Sold out finishes the rain at once; a viewer whose first tap comes after that hears ENDED.
                        return;
                    }
                    assertEquals(200, answer.status(), answer.raw());
                    String outcome = answer.body().getString("outcome");
                    if (!outcome.equals("WON")) {
                        if (outcome.equals("SOLD_OUT")) {
                            soldOut.incrementAndGet();
                        }
                        return;
                    }
                    Won previous = wins.put(answer.body().getString("packetId"),
                        new Won(viewer, answer.body().getLong("amount")));
                    assertEquals(null, previous, "packet answered WON twice");
                    winsByViewer.computeIfAbsent(viewer, k -> new AtomicInteger()).incrementAndGet();
                }
            }));
        }
        for (Future<?> viewer : viewers) {
            viewer.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertEquals(10_000, wins.size(), "WON answers");
        assertEquals(1_000_000L, wins.values().stream().mapToLong(Won::amount).sum(), "sum of WON amounts");
        assertTrue(winsByViewer.values().stream().allMatch(n -> n.get() <= 30), "a viewer above the cap");
        assertTrue(soldOut.get() > 0, "somebody should have heard SOLD_OUT");

        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(10_000, detail.getLong("grabbedCount"));
        assertEquals(1_000_000L, detail.getLong("grabbedAmount"));
        assertEquals(10_000, detail.getLong("settledCount"));
        assertEquals(1_000_000L, detail.getLong("settledAmount"));
        assertEquals(0L, detail.getLong("refundedAmount"));
        assertEquals(0L, detail.getLong("remainingCount"));
        assertNotNull(detail.getString("soldOutAt"));

        Map<String, Won> credited = system.credits(code);
        assertEquals(wins, credited, "every WON answer credited once, to its viewer, with its amount");
        JsonObject bestLuck = detail.getJsonObject("bestLuck");
        long maxWon = wins.values().stream().mapToLong(Won::amount).max().orElseThrow();
        assertEquals(maxWon, bestLuck.getLong("amount"));
        system.assertBooksBalanced(code, system.token(anchor, "anchor"));
    }

    @Test
    @Order(2)
    @DisplayName("a rain partly grabbed then closed refunds exactly total minus credited, once")
    void closeRefundsTheRestOnce() throws Exception {
        String anchor = newAnchor(500_000);
        String code = rain(anchor, "room-close", 100_000, 100, "EQUAL", 1, 0, 300);
        prepareAndStart(anchor, code);
        long credited = 0;
        for (int v = 0; v < 30; v++) {
            ApiClient.Answer answer = system.client.post("/v1/rains/" + code + "/grab",
                system.token("close-viewer-" + v, "viewer"), new JsonObject().put("roomId", "room-close"));
            assertEquals("WON", answer.body().getString("outcome"), answer.raw());
            assertEquals(1_000L, answer.body().getLong("amount"), "EQUAL packets of 100,000 over 100");
            credited += answer.body().getLong("amount");
        }
        ApiClient.Answer closed = system.client.post("/v1/rains/" + code + "/close", system.token(anchor, "anchor"), null);
        assertEquals(200, closed.status(), closed.raw());
        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(100_000 - credited, detail.getLong("refundedAmount"));
        assertEquals(credited, detail.getLong("settledAmount"));
        assertTrue(detail.containsKey("bestLuck") && detail.getValue("bestLuck") == null,
            "equal shares name no best-luck winner: " + detail);
        JsonObject records = system.client.get("/v1/rains/" + code + "/records?limit=500",
            system.token(anchor, "anchor")).body();
        assertEquals(30, records.getJsonArray("records").size());
        records.getJsonArray("records").forEach(record ->
            assertEquals(false, ((JsonObject) record).getBoolean("bestLuck"), "no record of an EQUAL rain: " + record));

        ApiClient.Answer again = system.client.post("/v1/rains/" + code + "/close", system.token(anchor, "anchor"), null);
        assertEquals(200, again.status(), again.raw());
        assertEquals(1L, system.queryLong("SELECT count(*) FROM transfers WHERE kind = 'REFUND' AND config_code = ?", code));
        assertEquals(500_000 - 100_000 + (100_000 - credited),
            system.queryLong("SELECT balance FROM accounts WHERE account_id = ?", "wallet:" + anchor));
        ApiClient.Answer late = system.client.post("/v1/rains/" + code + "/grab",
            system.token("close-viewer-late", "viewer"), new JsonObject().put("roomId", "room-close"));
        assertEquals(409, late.status());
        assertEquals("ENDED", late.code());
        system.assertBooksBalanced(code, system.token(anchor, "anchor"));
    }

    @Test
    @Order(3)
    @DisplayName("the whole topic redelivered from offset 0 to a new consumer group changes no balance")
    void redeliveryFromOffsetZeroChangesNothing() throws Exception {
        String anchor = newAnchor(100_000);
        String code = rain(anchor, "room-replay", 50_000, 50, "LUCKY", 2, 0, 300);
        prepareAndStart(anchor, code);
        for (int v = 0; v < 20; v++) {
            system.client.post("/v1/rains/" + code + "/grab", system.token("replay-viewer-" + v, "viewer"),
                new JsonObject().put("roomId", "room-replay"));
        }
        system.client.post("/v1/rains/" + code + "/close", system.token(anchor, "anchor"), null);
        system.awaitStatus(code, "FINISHED");
        String before = system.ledgerFingerprint();
        long records = system.queryLong("SELECT count(*) FROM transfers WHERE kind IN ('GRAB', 'REFUND')");

        try (SettlementProcess replay = system.startConsumer("rain-settlement-replay")) {
            replay.awaitCaughtUp(system.topic(), 60_000);
        }
        assertEquals(before, system.ledgerFingerprint(), "ledger after replaying the topic from offset 0");
        assertEquals(records, system.queryLong("SELECT count(*) FROM transfers WHERE kind IN ('GRAB', 'REFUND')"));
        system.assertBooksBalanced(code, system.token(anchor, "anchor"));
    }

    private String newAnchor(long deposit) {
        String anchor = "anchor-" + anchors.incrementAndGet();
        system.deposit(anchor, deposit);
        return anchor;
    }

    String rain(String anchor, String room, long total, int count, String mode, int maxGrabs, int countdown,
                int duration) {
        ApiClient.Answer created = system.client.post("/v1/rains", system.token(anchor, "anchor"), new JsonObject()
            .put("roomId", room).put("totalAmount", total).put("totalCount", count).put("mode", mode)
            .put("maxGrabsPerUser", maxGrabs).put("countdownSeconds", countdown).put("durationSeconds", duration));
        assertEquals(201, created.status(), created.raw());
        assertEquals("WAIT_PREPARE", created.body().getString("status"));
        return created.body().getString("configCode");
    }

    private void prepareAndStart(String anchor, String code) throws Exception {
        String token = system.token(anchor, "anchor");
        ApiClient.Answer prepared = system.client.post("/v1/rains/" + code + "/prepare", token, null);
        assertEquals(200, prepared.status(), prepared.raw());
        assertEquals("PREPARED", prepared.body().getString("status"));
        afterPrepare(code);
        ApiClient.Answer started = system.client.post("/v1/rains/" + code + "/start", token, null);
        assertEquals(200, started.status(), started.raw());
        assertEquals("RUNNING", started.body().getString("status"));
    }

}
