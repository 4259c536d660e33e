package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.redis.RainKeys;
import dev.rain.settlement.loop.SettlementMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A normal stop leaves nothing behind: an API instance stopped in the middle of a burst hands every
 * claim it took to Kafka before it goes, and a consumer stopped normally has committed all it applied.
 *
 * <p>The sweepers of every instance here wait ten minutes before sending a claim again, so a claim can
 * only reach the ledger through the instance that took it: the stop itself must deliver it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulStopIT {

    private static final int PACKETS = 5_000;
    private static final int SHARDS = 10;
    private static final int VIEWERS = 32;

    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("stop", Map.of(
            "RAIN_OUTBOX_STALE_MS", "600000",
            "RAIN_PACKETS_PER_SHARD", Integer.toString(PACKETS / SHARDS)));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("an instance stopped in the middle of a burst finishes the grabs in flight: every packet taken is answered and credited")
    void stopDuringABurstAnswersEveryGrabInFlight() throws Exception {
        Burst burst = stopDuringABurst("room-stop-1", HttpClient.Version.HTTP_1_1);
        assertEquals(burst.wins().size(), burst.taken(), "packets taken from Redis vs. WON answers received");
    }

    @Test
    @Order(2)
    @DisplayName("an instance stopped while its clients drop their connections still relays every claim it took")
    void stopUnderDroppedConnectionsLeavesNoClaimBehind() throws Exception {
        // The JDK 17 client fails every stream of a connection on the server's GOAWAY, even those the server
        // goes on to answer: like any client that goes away mid-request, it leaves grabs that take a packet
        // nobody hears about, and whose claims may reach the relay only after the HTTP server has stopped.
        Burst burst = stopDuringABurst("room-stop-2", HttpClient.Version.HTTP_2);
        assertTrue(burst.taken() >= burst.wins().size(), "taken " + burst.taken() + ", WON " + burst.wins().size());
    }

    record Burst(String code, Map<String, Won> wins, long taken) {
    }

    /**
     * Starts a rain and a second instance, lets 32 viewers tap it until 500 have won, stops the instance
     * normally while they go on tapping, then checks that no claim is left in an outbox and that every
     * packet taken, answered or not, is credited, each WON answer to its viewer.
     */
    private Burst stopDuringABurst(String room, HttpClient.Version version) throws Exception {
        String anchor = "anchor-" + room;
        system.deposit(anchor, 2_000_000);
        String code = createAndStart(anchor, room, 1_000_000);

        Vertx leavingVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        RainApi leaving = RainApi.start(leavingVertx, system.config(ApiHarness.freePort(), "it-stop-" + room))
            .await(60, TimeUnit.SECONDS);
        ApiClient client = new ApiClient(leaving.config().httpPort(), version);
        Map<String, Won> wins = new ConcurrentHashMap<>();
        AtomicInteger cutOff = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(VIEWERS);
        List<Future<?>> viewers = new ArrayList<>();
        for (int v = 0; v < VIEWERS; v++) {
            String viewer = room + "-viewer-" + v;
            String token = system.token(viewer, "viewer");
            viewers.add(pool.submit(() -> tapUntilRefused(client, code, room, token, viewer, wins, cutOff)));
        }
        long deadline = System.currentTimeMillis() + 120_000;
        while (wins.size() < 500 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(wins.size() >= 500, "the burst never got going: " + wins.size() + " WON");

        // A normal stop, with grabs still arriving and in flight.
        leaving.stop().await(60, TimeUnit.SECONDS);
        for (Future<?> viewer : viewers) {
            viewer.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        leavingVertx.close().await(10, TimeUnit.SECONDS);

        assertEquals(0, outboxLength(code), "claims left in the outbox streams by the stop");
        long taken = PACKETS - system.packetsInRedis(code, SHARDS);
        assertTrue(taken < PACKETS, "the rain must not sell out under the test");
        long creditDeadline = System.currentTimeMillis() + 60_000;
        while (system.credits(code).size() < taken && System.currentTimeMillis() < creditDeadline) {
            Thread.sleep(200);
        }
        Map<String, Won> credited = system.credits(code);
        assertEquals(taken, credited.size(), "every packet taken from Redis is credited");
        wins.forEach((packet, won) -> assertEquals(won, credited.get(packet), "WON answer for " + packet));
        assertEquals(0, outboxLength(code), "nothing reappeared in an outbox");
        System.out.printf("stop during burst over %s: %d WON answers, %d packets taken, %d taps cut off%n",
            version, wins.size(), taken, cutOff.get());
        return new Burst(code, wins, taken);
    }

    @Test
    @Order(3)
    @DisplayName("a consumer stopped normally has committed up to the end of the topic, and restarted re-reads nothing")
    void stoppedConsumerRereadsNothing() throws Exception {
        Map<TopicPartition, Long> ends = endOffsets();
        long records = ends.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(records > 500, "the topic holds the burst's claims: " + records);

        String group = "it-stop-restart";
        try (SettlementProcess first = system.startConsumer(group)) {
            // The whole topic was already applied by the harness's consumer: this group finds it all done.
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen(first.metrics()) < records && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(records, seen(first.metrics()), "records the first consumer went through");
        }
        assertEquals(nonEmpty(ends), nonEmpty(committedOffsets(group)), "committed offsets after a normal stop");

        try (SettlementProcess again = system.startConsumer(group)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (again.metrics().assignedPartitions() < ends.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(ends.size(), again.metrics().assignedPartitions(), "partitions assigned after the restart");
            long assignedAt = System.currentTimeMillis();
            while (again.metrics().lastPollMillis() < assignedAt + 1_000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, seen(again.metrics()), "records the restarted consumer read again");
            assertEquals(0, again.metrics().lag());
        }
    }

    private static void tapUntilRefused(ApiClient client, String code, String room, String token, String viewer,
                                        Map<String, Won> wins, AtomicInteger cutOff) {
        while (true) {
            ApiClient.Answer answer;
            try {
                answer = client.post("/v1/rains/" + code + "/grab", token, new JsonObject().put("roomId", room));
            } catch (IllegalStateException stopped) {
                // Refused or reset by the stopping server: this tap took nothing it was told about.
                cutOff.incrementAndGet();
                return;
            }
            if (answer.status() != 200 || !"WON".equals(answer.body().getString("outcome"))) {
                return;
            }
            wins.put(answer.body().getString("packetId"), new Won(viewer, answer.body().getLong("amount")));
        }
    }

    private String createAndStart(String anchor, String room, long total) {
        String token = system.token(anchor, "anchor");
        ApiClient.Answer created = system.client.post("/v1/rains", token, new JsonObject().put("roomId", room)
            .put("totalAmount", total).put("totalCount", PACKETS).put("mode", "LUCKY")
            // 32 viewers can take at most 3,200 of 5,000: the rain never sells out and finishes under the test.
            .put("maxGrabsPerUser", 100).put("countdownSeconds", 0).put("durationSeconds", 600));
        assertEquals(201, created.status(), created.raw());
        String configCode = created.body().getString("configCode");
        ApiClient.Answer prepared = system.client.post("/v1/rains/" + configCode + "/prepare", token, null);
        assertEquals(200, prepared.status(), prepared.raw());
        ApiClient.Answer started = system.client.post("/v1/rains/" + configCode + "/start", token, null);
        assertEquals(200, started.status(), started.raw());
        return configCode;
    }

    private long outboxLength(String code) throws Exception {
        long total = 0;
        for (int shard = 0; shard < SHARDS; shard++) {
            total += system.redis().send(Request.cmd(Command.XLEN).arg(RainKeys.outbox(code, shard)))
                .await(10, TimeUnit.SECONDS).toLong();
        }
        return total;
    }

    private static long seen(SettlementMetrics metrics) {
        return metrics.applied() + metrics.duplicates() + metrics.anomalies() + metrics.deadLettered();
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        return Admin.create(props);
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = admin()) {
            String topic = system.topic();
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(10, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    /** A partition nobody wrote to has end offset 0 and no commit; both mean the same. */
    private static Map<TopicPartition, Long> nonEmpty(Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().filter(e -> e.getValue() > 0)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((partition, offset) -> {
                if (offset != null && partition.topic().equals(system.topic())) {
                    offsets.put(partition, offset.offset());
                }
            });
            return offsets;
        }
    }
}
