package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deployment shape in small: two API instances on the three-master Redis Cluster, and two settlement
 * consumers of one group sharing the settlement topic's four partitions (claims keyed by viewer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

    private static final int VIEWERS = 400;
    private static final int PACKETS = 2_000;
    private static final long TOTAL = 200_000;
    private static final int MAX_GRABS = 10;
    private static final String ROOM = "room-scale";

    private LocalRedisCluster cluster;
    private ApiHarness system;
    private RainApi second;
    private SettlementProcess secondConsumer;

    @BeforeAll
    void start() throws Exception {
        cluster = LocalRedisCluster.fromEnvironment();
        // 20 shards of 100 packets: the rain's grabs go to all three masters.
        system = new ApiHarness("scale_out", cluster.apiEnvironment(Map.of("RAIN_PACKETS_PER_SHARD", "100")));
        second = system.startInstance("it-scale-out-2", Map.of());
        secondConsumer = system.startConsumer(system.consumer().group());
    }

    @AfterAll
    void stop() throws Exception {
        if (secondConsumer != null) {
            secondConsumer.close();
        }
        if (system != null) {
            system.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("grabs through two instances settle through two consumers of one group: every WON credited once, the books balanced")
    void twoInstancesAndTwoConsumersKeepTheBooks() throws Exception {
        List<SettlementProcess> consumers = List.of(system.consumer(), secondConsumer);
        awaitPartitionsShared(consumers);
        List<ApiClient> instances = List.of(system.client, new ApiClient(second.config().httpPort()));
        for (ApiClient instance : instances) {
            ApiClient.Answer ready = instance.get("/health/ready", null);
            assertEquals(200, ready.status(), ready.raw());
            assertEquals("UP", ready.body().getString("redis"), "the cluster answers PING: " + ready.raw());
        }

        system.deposit("scale-anchor", 1_000_000);
        String anchor = system.token("scale-anchor", "anchor");
        ApiClient.Answer created = instances.get(0).post("/v1/rains", anchor, new JsonObject().put("roomId", ROOM)
            .put("totalAmount", TOTAL).put("totalCount", PACKETS).put("mode", "LUCKY").put("maxGrabsPerUser", MAX_GRABS)
            .put("countdownSeconds", 0).put("durationSeconds", 300));
        assertEquals(201, created.status(), created.raw());
        String code = created.body().getString("configCode");
        // Prepared by one instance, started by the other: neither keeps the rain's state to itself.
        assertEquals(200, instances.get(1).post("/v1/rains/" + code + "/prepare", anchor, null).status());
        RoomEventsIT.Viewer onFirst = new RoomEventsIT.Viewer(true);
        RoomEventsIT.Viewer onSecond = new RoomEventsIT.Viewer(true);
        listen(system.api(), onFirst);
        listen(second, onSecond);
        ApiClient.Answer started = instances.get(0).post("/v1/rains/" + code + "/start", anchor, null);
        assertEquals(200, started.status(), started.raw());

        Map<String, Won> wins = new ConcurrentHashMap<>();
        AtomicIntegerArray wonThrough = new AtomicIntegerArray(2);
        grabUntilSoldOut(code, instances, wins, wonThrough);

        assertEquals(PACKETS, wins.size(), "WON answers");
        assertEquals(TOTAL, wins.values().stream().mapToLong(Won::amount).sum(), "sum of WON amounts");
        assertTrue(wonThrough.get(0) > 0 && wonThrough.get(1) > 0, "packets won through each instance: " + wonThrough);
        system.awaitStatus(code, "FINISHED");

        assertEquals(wins, system.credits(code), "every WON answer credited once, to its viewer, with its amount");
        assertEquals(TOTAL, system.queryLong(
            "SELECT coalesce(sum(amount),0) FROM transfers WHERE kind='FUND' AND config_code=?", code), "funded");
        system.assertBooksBalanced(code, anchor);
        long applied = 0;
        for (SettlementProcess consumer : consumers) {
            assertTrue(consumer.metrics().batches() > 0 && consumer.metrics().applied() > 0,
                "consumer " + consumers.indexOf(consumer) + " settled nothing: its partitions were "
                    + consumer.metrics().assignedPartitions());
            applied += consumer.metrics().applied();
        }
        assertEquals(PACKETS, applied, "credits applied by the two consumers together, each once");

        awaitMessages(onFirst, 2);
        awaitMessages(onSecond, 2);
        for (RoomEventsIT.Viewer viewer : List.of(onFirst, onSecond)) {
            assertEquals(1, viewer.starts(code), viewer.messages.toString());
            assertEquals(1, viewer.messages.stream().filter(m -> m.contains("\"RAIN_END\"")).count(),
                viewer.messages.toString());
        }
    }

    /** Waits until the second consumer has joined and the four partitions are split between the two. */
    private static void awaitPartitionsShared(List<SettlementProcess> consumers) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            int first = consumers.get(0).metrics().assignedPartitions();
            int second = consumers.get(1).metrics().assignedPartitions();
            if (first > 0 && second > 0 && first + second == 4) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("partitions never shared: " + consumers.get(0).metrics().assignedPartitions()
            + " and " + consumers.get(1).metrics().assignedPartitions());
    }

    /** Each viewer taps until it hears it is over, every tap going to the other instance than the last. */
    private void grabUntilSoldOut(String code, List<ApiClient> instances, Map<String, Won> wins,
                                  AtomicIntegerArray wonThrough) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> viewers = new ArrayList<>();
        for (int v = 0; v < VIEWERS; v++) {
            String viewer = "scale-viewer-" + v;
            String token = system.token(viewer, "viewer");
            int first = v % 2;
            viewers.add(pool.submit(() -> {
                for (int tap = 0; ; tap++) {
                    int instance = (first + tap) % 2;
                    ApiClient.Answer answer = instances.get(instance).post("/v1/rains/" + code + "/grab", token,
                        new JsonObject().put("roomId", ROOM));
                    if (answer.status() == 409 && "ENDED".equals(answer.code())) {
                        return null;
                    }
                    assertEquals(200, answer.status(), answer.raw());
                    if (!"WON".equals(answer.body().getString("outcome"))) {
                        return null;
                    }
                    Won previous = wins.put(answer.body().getString("packetId"),
                        new Won(viewer, answer.body().getLong("amount")));
                    assertEquals(null, previous, "packet answered WON twice");
                    wonThrough.incrementAndGet(instance);
                }
            }));
        }
        for (Future<?> viewer : viewers) {
            viewer.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    private void listen(RainApi api, RoomEventsIT.Viewer viewer) throws Exception {
        int before = api.roomHub().connections();
        URI uri = URI.create("ws://127.0.0.1:" + api.config().httpPort() + "/v1/rooms/" + ROOM
            + "/events?access_token=" + system.token("scale-watcher", "viewer"));
        HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, viewer).get(10, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && api.roomHub().connections() <= before) {
            Thread.sleep(20);
        }
        assertTrue(api.roomHub().connections() > before, "the watcher never joined the room");
    }

    private static void awaitMessages(RoomEventsIT.Viewer viewer, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && viewer.messages.size() < n) {
            Thread.sleep(20);
        }
    }

}
