package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.redis.ShardStore;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
        RedisConnection subscriber = listen(room, events);

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
    @DisplayName("closing a prepared rain that never started refunds all of it, removes its packets and tells the room nothing")
    void closingAnUnstartedRainRefundsEverything() throws Exception {
        String anchor = newAnchor(50_000);
        String code = create(anchor, "room-cancel", 20_000, 15_000, 3);
        String token = system.token(anchor, "anchor");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", token, null).status());
        assertEquals(15_000L, system.packetsInRedis(code, 2));

        List<String> events = new CopyOnWriteArrayList<>();
        RedisConnection subscriber = listen("room-cancel", events);
        ApiClient.Answer closed = system.client.post("/v1/rains/" + code + "/close", token, null);
        assertEquals(200, closed.status(), closed.raw());
        JsonObject detail = system.awaitStatus(code, "FINISHED");
        assertEquals(20_000L, detail.getLong("refundedAmount"));
        assertEquals(0L, detail.getLong("grabbedCount"));
        assertNull(detail.getValue("startsAt"), "a rain that never started has no start: " + detail);
        assertNull(detail.getValue("endsAt"), detail.encode());
        Thread.sleep(300);
        subscriber.close();
        assertEquals(List.of(), events, "a room that never saw the rain start hears no end of it");
        assertEquals(50_000L, system.queryLong("SELECT balance FROM accounts WHERE account_id = ?", "wallet:" + anchor));
        assertProblem(system.client.post("/v1/rains/" + code + "/start", token, null), 409, "ALREADY_STARTED");
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && system.packetsInRedis(code, 2) > 0) {
            Thread.sleep(100);
        }
        assertEquals(0L, system.packetsInRedis(code, 2), "the packets of a closed rain are removed");
    }

    @Test
    @DisplayName("prepares 2 ms apart, then a start as soon as one answered 200: the start succeeds and one prepare won")
    void staggeredPreparesLeaveTheRainStartable() throws Exception {
        for (int trial = 0; trial < 5; trial++) {
            String anchor = newAnchor(1_000_000);
            String code = create(anchor, "room-staggered", 300_000, 25_000, 0);
            String token = system.token(anchor, "anchor");
            ExecutorService pool = Executors.newFixedThreadPool(10);
            try {
                CompletableFuture<ApiClient.Answer> started = new CompletableFuture<>();
                List<Future<ApiClient.Answer>> prepares = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    prepares.add(pool.submit(() -> {
                        ApiClient.Answer prepared = system.client.post("/v1/rains/" + code + "/prepare", token, null);
                        if (prepared.status() == 200 && !started.isDone()) {
                            started.complete(system.client.post("/v1/rains/" + code + "/start", token, null));
                        }
                        return prepared;
                    }));
                    Thread.sleep(2);
                }
                List<ApiClient.Answer> answers = new ArrayList<>();
                for (Future<ApiClient.Answer> prepare : prepares) {
                    answers.add(prepare.get(60, TimeUnit.SECONDS));
                }
                assertEquals(1, answers.stream().filter(a -> a.status() == 200).count(), "trial " + trial + ": " + answers);
                ApiClient.Answer start = started.get(60, TimeUnit.SECONDS);
                assertEquals(200, start.status(), "trial " + trial + ": " + start.raw());
                assertEquals("RUNNING", system.client.get("/v1/rains/" + code, token).body().getString("status"));
                assertEquals(25_000L, system.packetsInRedis(code, 3), "trial " + trial + ": exactly one list of packets");
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    @DisplayName("a shard that was started is never reset, so a late prepare cannot delete its claims")
    void aStartedShardIsNeverReset() throws Exception {
        String anchor = newAnchor(10_000);
        String code = create(anchor, "room-reset", 1_000, 10, 0);
        String token = system.token(anchor, "anchor");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", token, null).status());
        assertEquals(200, system.client.post("/v1/rains/" + code + "/start", token, null).status());
        ApiClient.Answer won = system.client.post("/v1/rains/" + code + "/grab", system.token("reset-viewer", "viewer"),
            new JsonObject().put("roomId", "room-reset"));
        assertEquals("WON", won.body().getString("outcome"), won.raw());

        Throwable refused = assertThrows(Throwable.class, () -> new ShardStore(system.redis())
            .reset(code, 1, "a-late-preparer", shard -> 10).await(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(refused.getMessage()).startsWith("STARTED"), String.valueOf(refused));
        assertEquals(9L, system.packetsInRedis(code, 1), "the packets left are untouched");
        assertEquals("1", String.valueOf(system.redis().send(Request.cmd(Command.HGET)
            .arg(RainKeys.users(code, 0)).arg("reset-viewer")).await(10, TimeUnit.SECONDS)), "the viewer's cap is kept");
        assertEquals(1L, system.redis().send(Request.cmd(Command.HGET).arg(RainKeys.state(code, 0)).arg("claimedCount"))
            .await(10, TimeUnit.SECONDS).toLong(), "the claim counter is kept");
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline
            && system.client.get("/v1/rains/" + code, token).body().getLong("settledCount") < 1) {
            Thread.sleep(50);
        }
        assertEquals(1L, system.client.get("/v1/rains/" + code, token).body().getLong("settledCount"),
            "the claim reached the ledger (and moves no money during the other tests)");
    }

    @Test
    @DisplayName("an admin who is not the owning anchor cannot prepare or start a rain, but may close it")
    void anAdminMayCloseButNotPrepareOrStart() throws Exception {
        String owner = newAnchor(10_000);
        String code = create(owner, "room-moderated", 1_000, 10, 0);
        String admin = system.token("guard-admin", "admin", "anchor");
        assertProblem(system.client.post("/v1/rains/" + code + "/prepare", admin, null), 403, "NOT_OWNER");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", system.token(owner, "anchor"), null).status());
        assertProblem(system.client.post("/v1/rains/" + code + "/start", admin, null), 403, "NOT_OWNER");
        assertEquals("PREPARED", system.client.get("/v1/rains/" + code, admin).body().getString("status"));
        assertEquals(200, system.client.post("/v1/rains/" + code + "/close", admin, null).status());
        assertEquals(1_000L, system.awaitStatus(code, "FINISHED").getLong("refundedAmount"));
    }

    /** Subscribes to a room's channel as every API instance does; {@code events} collects what is published. */
    private RedisConnection listen(String room, List<String> events) throws Exception {
        CountDownLatch subscribed = new CountDownLatch(1);
        RedisConnection subscriber = system.redis().connect().await(10, TimeUnit.SECONDS);
        subscriber.handler(message -> {
            if (message.type() == ResponseType.PUSH && message.size() == 3 && "message".equals(message.get(0).toString())) {
                events.add(message.get(2).toString());
            }
        });
        subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(RainKeys.roomChannel(room)))
            .onSuccess(ok -> subscribed.countDown());
        assertTrue(subscribed.await(10, TimeUnit.SECONDS), "subscribed to " + room);
        return subscriber;
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
