package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A rain that is created (or prepared) and never started must not hold its anchor's money forever: after
 * the configured time it is finished, refunded once, and its Redis keys are removed. Here that time is 2 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnstartedRainsIT {

    private static final String ROOM = "room-unstarted";
    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("unstarted", Map.of("RAIN_UNSTARTED_EXPIRY_SECONDS", "2"));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("created and prepared rains not started in time are refunded once, their keys removed, their room told nothing")
    void unstartedRainsAreRefundedAfterTheirExpiry() throws Exception {
        String anchor = "unstarted-anchor";
        system.deposit(anchor, 100_000);
        String token = system.token(anchor, "anchor");
        List<String> events = new CopyOnWriteArrayList<>();
        RedisConnection subscriber = listen(events);

        String created = create(token, 10_000, 100, 300);
        String prepared = create(token, 20_000, 15_000, 300);
        assertEquals(200, system.client.post("/v1/rains/" + prepared + "/prepare", token, null).status());
        String running = create(token, 30_000, 10, 300);
        assertEquals(200, system.client.post("/v1/rains/" + running + "/prepare", token, null).status());
        assertEquals(200, system.client.post("/v1/rains/" + running + "/start", token, null).status());
        assertEquals(15_000L, system.packetsInRedis(prepared, 2));

        for (String code : List.of(created, prepared)) {
            JsonObject detail = system.awaitStatus(code, "FINISHED");
            assertEquals(detail.getLong("totalAmount"), detail.getLong("refundedAmount"), detail.encode());
            assertNull(detail.getValue("startsAt"), "never started: " + detail);
            assertEquals(1L, system.queryLong(
                "SELECT count(*) FROM transfers WHERE kind = 'REFUND' AND config_code = ?", code), "one refund");
            system.assertBooksBalanced(code, token);
        }
        assertEquals(100_000L - 30_000L, system.queryLong(
            "SELECT balance FROM accounts WHERE account_id = ?", "wallet:" + anchor), "all but the running rain's money");
        assertEquals(0L, awaitNoKeys(prepared), "the prepared rain's Redis keys are removed");
        assertEquals("RUNNING", system.client.get("/v1/rains/" + running, token).body().getString("status"),
            "a started rain is not touched by the expiry of unstarted ones");
        subscriber.close();
        assertTrue(events.stream().noneMatch(event -> event.contains("RAIN_END")),
            "no RAIN_END for rains the room never saw start: " + events);
    }

    private long awaitNoKeys(String code) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        long keys;
        do {
            keys = 0;
            for (int shard = 0; shard < 2; shard++) {
                keys += system.redis().send(Request.cmd(Command.EXISTS).arg(RainKeys.state(code, shard))
                    .arg(RainKeys.packets(code, shard))).await(10, TimeUnit.SECONDS).toLong();
            }
            Thread.sleep(keys == 0 ? 0 : 100);
        } while (keys > 0 && System.currentTimeMillis() < deadline);
        return keys;
    }

    private RedisConnection listen(List<String> events) throws Exception {
        CountDownLatch subscribed = new CountDownLatch(1);
        RedisConnection subscriber = system.redis().connect().await(10, TimeUnit.SECONDS);
        subscriber.handler(message -> {
            if (message.type() == ResponseType.PUSH && message.size() == 3 && "message".equals(message.get(0).toString())) {
                events.add(message.get(2).toString());
            }
        });
        subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(RainKeys.roomChannel(ROOM)))
            .onSuccess(ok -> subscribed.countDown());
        assertTrue(subscribed.await(10, TimeUnit.SECONDS));
        return subscriber;
    }

    private String create(String token, long total, int count, int duration) {
        ApiClient.Answer created = system.client.post("/v1/rains", token, new JsonObject().put("roomId", ROOM)
            .put("totalAmount", total).put("totalCount", count).put("countdownSeconds", 0)
            .put("durationSeconds", duration));
        assertEquals(201, created.status(), created.raw());
        return created.body().getString("configCode");
    }
}
