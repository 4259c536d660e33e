package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.redis.LuaScript;
import dev.rain.api.redis.ShardStore;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What is left behind by a process that died half-way is picked up, never doubled, never lost. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecoveryIT {

    private ApiHarness system;
    private Redis redis;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("recovery");
        redis = system.redis();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("a preparer that died half-way leaves nothing a retry doubles, and its late writes are refused")
    void deadPreparerLeavesNothingToDouble() throws Exception {
        system.deposit("recovery-anchor-1", 1_000_000);
        String anchor = system.token("recovery-anchor-1", "anchor");
        String code = create(anchor, "room-recovery-1", 250_000, 25_000);
        ShardStore shards = new ShardStore(redis);
        RedisConnection bulk = redis.connect().await(10, TimeUnit.SECONDS);
        int shard0 = 25_000 / 3 + 1;
        // The dead preparer: it reset the three shards under its token, loaded and committed all of
        // shard 0 and staged part of shard 1.
        shards.reset(code, 3, "dead-token", shard -> 25_000 / 3 + (shard < 25_000 % 3 ? 1 : 0))
            .await(10, TimeUnit.SECONDS);
        shards.stage(bulk, code, 0, "dead-token", packets(shard0), 1_000).await(10, TimeUnit.SECONDS);
        shards.commit(code, 0, "dead-token", shard0, shard0).await(10, TimeUnit.SECONDS);
        shards.stage(bulk, code, 1, "dead-token", packets(500), 1_000).await(10, TimeUnit.SECONDS);
        assertEquals((long) shard0, system.packetsInRedis(code, 3), "only a committed shard is visible");
        Throwable partial = assertThrows(Throwable.class,
            () -> shards.commit(code, 1, "dead-token", 500, 500).await(10, TimeUnit.SECONDS));
        assertTrue(partial.getMessage().startsWith("INCOMPLETE"), partial.getMessage());

        ApiClient.Answer prepared = system.client.post("/v1/rains/" + code + "/prepare", anchor, null);
        assertEquals(200, prepared.status(), prepared.raw());
        assertEquals(25_000L, system.packetsInRedis(code, 3), "one list of exactly totalCount packets");

        // Its late writes: the rest of shard 1, then the commit that would make it the shard's list.
        shards.stage(bulk, code, 1, "dead-token", packets(25_000 / 3 - 500), 1_000).await(10, TimeUnit.SECONDS);
        Throwable late = assertThrows(Throwable.class,
            () -> shards.commit(code, 1, "dead-token", 25_000 / 3, 25_000 / 3).await(10, TimeUnit.SECONDS));
        assertTrue(late.getMessage().startsWith("FENCED"), late.getMessage());
        assertEquals(25_000L, system.packetsInRedis(code, 3), "the late writes added nothing");
        long ttl = redis.send(Request.cmd(Command.PTTL).arg(RainKeys.staging(code, 1, "dead-token")))
            .await(10, TimeUnit.SECONDS).toLong();
        assertTrue(ttl > 0, "the dead preparer's staged list expires: PTTL " + ttl);
        assertEquals(200, system.client.post("/v1/rains/" + code + "/start", anchor, null).status());
        bulk.close();
    }

    @Test
    @DisplayName("a claim left in an outbox by an instance that died is relayed by another and credited once")
    void orphanedClaimIsRelayedAndCredited() throws Exception {
        system.deposit("recovery-anchor-2", 10_000);
        String anchor = system.token("recovery-anchor-2", "anchor");
        String code = create(anchor, "room-recovery-2", 1_000, 10);
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", anchor, null).status());
        assertEquals(200, system.client.post("/v1/rains/" + code + "/start", anchor, null).status());

        // A grab whose instance died right after the script: the claim is in the outbox, nobody relays it.
        Response reply = LuaScript.load("grab").call(redis, List.of(RainKeys.state(code, 0), RainKeys.packets(code, 0),
                RainKeys.outbox(code, 0), RainKeys.users(code, 0), RainKeys.tapRates(code, 0)), "orphan-viewer", 1, 0,
                1, 1_000)
            .await(10, TimeUnit.SECONDS);
        assertEquals("WON", reply.get(0).toString());
        String packetId = code + ":" + reply.get(1).toString();
        long amount = reply.get(2).toLong();

        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && creditedTo(packetId) == 0) {
            Thread.sleep(100);
        }
        assertEquals(1L, creditedTo(packetId), "the orphaned claim was credited");
        assertEquals(amount, system.queryLong("SELECT amount FROM transfers WHERE biz_id = ? AND user_id = 'orphan-viewer'", packetId));
        while (System.currentTimeMillis() < deadline && outboxLength(code) > 0) {
            Thread.sleep(100);
        }
        assertEquals(0L, outboxLength(code), "the relayed claim left the outbox");

        ApiClient.Answer closed = system.client.post("/v1/rains/" + code + "/close", anchor, null);
        assertEquals(200, closed.status(), closed.raw());
        assertEquals(1_000 - amount, system.awaitStatus(code, "FINISHED").getLong("refundedAmount"));
        long released = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < released && exists(RainKeys.state(code, 0))) {
            Thread.sleep(100);
        }
        assertTrue(!exists(RainKeys.state(code, 0)) && !exists(RainKeys.packets(code, 0)),
            "a finished rain's keys are removed");
    }

    private long creditedTo(String packetId) throws Exception {
        return system.queryLong("SELECT count(*) FROM transfers WHERE biz_id = ?", packetId);
    }

    private long outboxLength(String code) throws Exception {
        return redis.send(Request.cmd(Command.XLEN).arg(RainKeys.outbox(code, 0))).await(10, TimeUnit.SECONDS).toLong();
    }

    private boolean exists(String key) throws Exception {
        return redis.send(Request.cmd(Command.EXISTS).arg(key)).await(10, TimeUnit.SECONDS).toLong() == 1;
    }

    private static byte[][] packets(int n) {
        byte[][] packets = new byte[n][];
        for (int i = 0; i < n; i++) {
            packets[i] = (i + ":1").getBytes(StandardCharsets.US_ASCII);
        }
        return packets;
    }

    private String create(String token, String room, long total, int count) {
        ApiClient.Answer created = system.client.post("/v1/rains", token, new JsonObject().put("roomId", room)
            .put("totalAmount", total).put("totalCount", count).put("countdownSeconds", 0).put("durationSeconds", 300));
        assertEquals(201, created.status(), created.raw());
        return created.body().getString("configCode");
    }
}
