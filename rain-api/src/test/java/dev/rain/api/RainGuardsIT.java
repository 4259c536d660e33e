package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Guards of the lifecycle: one prepare, one start, and the contract's refusals that change nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RainGuardsIT {

    private ApiHarness system;
    private final AtomicInteger anchors = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("guards");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("ten concurrent prepares and ten concurrent starts: one of each succeeds, one list, one RAIN_START")
    void concurrentPreparesAndStartsSucceedOnce() throws Exception {
        String anchor = newAnchor(1_000_000);
        String room = "room-guards-" + anchors.get();
        String code = create(anchor, room, 300_000, 25_000, 0);
        String token = system.token(anchor, "anchor");

        List<ApiClient.Answer> prepares = concurrently(10, () -> system.client.post("/v1/rains/" + code + "/prepare", token, null));
        assertEquals(1, prepares.stream().filter(a -> a.status() == 200).count(), prepares.toString());
        prepares.stream().filter(a -> a.status() != 200).forEach(a -> {
            assertEquals(409, a.status(), a.raw());
            assertEquals(true, a.code().equals("ALREADY_PREPARED") || a.code().equals("PREPARE_IN_PROGRESS"), a.raw());
        });
        int shards = (int) system.queryLong("SELECT shard_count FROM rains WHERE config_code = ?", code);
        assertEquals(3, shards, "25,000 packets at 10,000 a shard");
        assertEquals(25_000L, system.packetsInRedis(code, shards), "exactly one list of packets");

        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        RedisConnection subscriber = system.redis().connect().await(10, TimeUnit.SECONDS);
        subscriber.handler(message -> {
            if (message.type() == ResponseType.PUSH && message.size() == 3 && "message".equals(message.get(0).toString())) {
                events.add(message.get(2).toString());
            }
        });
        subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(RainKeys.roomChannel(room)))
            .onSuccess(ok -> subscribed.countDown());
        subscribed.await(10, TimeUnit.SECONDS);

        List<ApiClient.Answer> starts = concurrently(10, () -> system.client.post("/v1/rains/" + code + "/start", token, null));
        assertEquals(1, starts.stream().filter(a -> a.status() == 200).count(), starts.toString());
        starts.stream().filter(a -> a.status() != 200).forEach(a -> assertEquals("ALREADY_STARTED", a.code(), a.raw()));
        Thread.sleep(500);
        subscriber.close();
        assertEquals(1, events.size(), "RAIN_START broadcasts: " + events);
        JsonObject event = new JsonObject(events.get(0));
        assertEquals("RAIN_START", event.getString("type"));
        assertEquals(code, event.getString("configCode"));
        assertEquals(25_000, event.getInteger("totalCount"));
        assertEquals(300_000L, event.getLong("totalAmount"));
        assertEquals(25_000L, system.packetsInRedis(code, shards), "starting takes no packet");
    }

    @Test
    @DisplayName("insufficient funds: 409 INSUFFICIENT_FUNDS and nothing changes")
    void insufficientFundsChangesNothing() throws Exception {
        String anchor = newAnchor(999);
        String before = system.ledgerFingerprint();
        ApiClient.Answer answer = system.client.post("/v1/rains", system.token(anchor, "anchor"), body("room-x", 1_000, 10, 0, 30));
        assertProblem(answer, 409, "INSUFFICIENT_FUNDS");
        assertEquals(before, system.ledgerFingerprint());
    }

    @Test
    @DisplayName("a viewer cannot create a rain: 403 and nothing changes")
    void viewerCannotCreate() throws Exception {
        String viewer = "guard-viewer";
        system.deposit(viewer, 10_000);
        String before = system.ledgerFingerprint();
        ApiClient.Answer answer = system.client.post("/v1/rains", system.token(viewer, "viewer"), body("room-x", 1_000, 10, 0, 30));
        assertProblem(answer, 403, "FORBIDDEN");
        assertEquals(before, system.ledgerFingerprint());
    }

    @Test
    @DisplayName("another anchor cannot prepare, start or close a rain: 403 and nothing changes")
    void wrongOwnerIsRefused() throws Exception {
        String owner = newAnchor(10_000);
        String code = create(owner, "room-owner", 1_000, 10, 0);
        String intruder = system.token(newAnchor(10), "anchor");
        String before = system.ledgerFingerprint();
        for (String action : List.of("prepare", "start", "close")) {
            assertProblem(system.client.post("/v1/rains/" + code + "/" + action, intruder, null), 403, "NOT_OWNER");
        }
        assertProblem(system.client.get("/v1/rains/" + code + "/reconciliation", intruder), 403, "NOT_OWNER");
        assertEquals(before, system.ledgerFingerprint());
        assertEquals("WAIT_PREPARE", system.client.get("/v1/rains/" + code, intruder).body().getString("status"));
    }

    @Test
    @DisplayName("grabs before start, in the wrong room, for an unknown rain and after the end are refused and take nothing")
    void grabsOutsideTheWindowAreRefused() throws Exception {
        String anchor = newAnchor(10_000);
        String code = create(anchor, "room-window", 1_000, 10, 0, 1);
        String viewer = system.token("window-viewer", "viewer");
        JsonObject inRoom = new JsonObject().put("roomId", "room-window");

        assertProblem(system.client.post("/v1/rains/" + code + "/grab", viewer, inRoom), 409, "NOT_STARTED");
        String token = system.token(anchor, "anchor");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", token, null).status());
        assertProblem(system.client.post("/v1/rains/" + code + "/grab", viewer, inRoom), 409, "NOT_STARTED");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/start", token, null).status());
        assertProblem(system.client.post("/v1/rains/" + code + "/grab", viewer,
            new JsonObject().put("roomId", "room-elsewhere")), 403, "WRONG_ROOM");
        assertProblem(system.client.post("/v1/rains/AAAAAAAAAAAAAAAAAAAAAA/grab", viewer, inRoom), 404, "RAIN_NOT_FOUND");
        assertEquals(10L, system.packetsInRedis(code, 1), "refused grabs take no packet");

        Thread.sleep(1_300);
        assertProblem(system.client.post("/v1/rains/" + code + "/grab", viewer, inRoom), 409, "ENDED");
        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(0L, detail.getLong("grabbedCount"));
        assertEquals(1_000L, detail.getLong("refundedAmount"), "nothing grabbed: all refunded");
        assertEquals(0L, system.queryLong("SELECT count(*) FROM transfers WHERE kind = 'GRAB' AND config_code = ?", code));
    }

    @Test
    @DisplayName("closing a prepared rain that never started refunds all of it and removes its packets")
    void closingAnUnstartedRainRefundsEverything() throws Exception {
        String anchor = newAnchor(50_000);
        String code = create(anchor, "room-cancel", 20_000, 15_000, 3);
        String token = system.token(anchor, "anchor");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", token, null).status());
        assertEquals(15_000L, system.packetsInRedis(code, 2));

        ApiClient.Answer closed = system.client.post("/v1/rains/" + code + "/close", token, null);
        assertEquals(200, closed.status(), closed.raw());
        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(20_000L, detail.getLong("refundedAmount"));
        assertEquals(0L, detail.getLong("grabbedCount"));
        assertEquals(50_000L, system.queryLong("SELECT balance FROM accounts WHERE account_id = ?", "wallet:" + anchor));
        assertProblem(system.client.post("/v1/rains/" + code + "/start", token, null), 409, "ALREADY_STARTED");
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && system.packetsInRedis(code, 2) > 0) {
            Thread.sleep(100);
        }
        assertEquals(0L, system.packetsInRedis(code, 2), "the packets of a closed rain are removed");
    }

    private static void assertProblem(ApiClient.Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.raw());
        assertEquals("application/problem+json", answer.contentType(), answer.raw());
        assertEquals(code, answer.code(), answer.raw());
        assertEquals(status, answer.body().getInteger("status"));
    }

    private String newAnchor(long deposit) {
        String anchor = "guard-anchor-" + anchors.incrementAndGet();
        system.deposit(anchor, deposit);
        return anchor;
    }

    private String create(String anchor, String room, long total, int count, int countdown) {
        return create(anchor, room, total, count, countdown, 300);
    }

    private String create(String anchor, String room, long total, int count, int countdown, int duration) {
        ApiClient.Answer created = system.client.post("/v1/rains", system.token(anchor, "anchor"),
            body(room, total, count, countdown, duration));
        assertEquals(201, created.status(), created.raw());
        return created.body().getString("configCode");
    }

    private static JsonObject body(String room, long total, int count, int countdown, int duration) {
        return new JsonObject().put("roomId", room).put("totalAmount", total).put("totalCount", count)
            .put("countdownSeconds", countdown).put("durationSeconds", duration);
    }

    private static <T> List<T> concurrently(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }
}
