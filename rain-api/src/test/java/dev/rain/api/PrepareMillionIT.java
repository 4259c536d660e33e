package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The largest rain the contract allows, prepared through the API and read back from Redis packet by packet. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrepareMillionIT {

    private static final int COUNT = 1_000_000;
    private static final long TOTAL = 123_456_789L;

    private ApiHarness system;
    private Redis redis;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("million");
        redis = system.redis();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("a 1,000,000-packet prepare loads every packet index once, a cent at least each, summing to the total")
    void millionPacketsLoadExactly() throws Exception {
        system.deposit("million-anchor", TOTAL);
        String anchor = system.token("million-anchor", "anchor");
        ApiClient.Answer created = system.client.post("/v1/rains", anchor, new JsonObject().put("roomId", "room-million")
            .put("totalAmount", TOTAL).put("totalCount", COUNT).put("mode", "LUCKY").put("durationSeconds", 300));
        assertEquals(201, created.status(), created.raw());
        String code = created.body().getString("configCode");

        ApiClient.Answer prepared = system.client.post("/v1/rains/" + code + "/prepare", anchor, null);
        assertEquals(200, prepared.status(), prepared.raw());
        assertEquals("PREPARED", prepared.body().getString("status"));

        int shards = (int) system.queryLong("SELECT shard_count FROM rains WHERE config_code = ?", code);
        assertEquals(100, shards, "1,000,000 packets at 10,000 a shard");
        BitSet seen = new BitSet(COUNT);
        long sum = 0;
        for (int shard = 0; shard < shards; shard++) {
            Response list = send(Request.cmd(Command.LRANGE).arg(RainKeys.packets(code, shard)).arg(0).arg(-1));
            long shardSum = 0;
            for (Response packet : list) {
                String text = packet.toString();
                int colon = text.indexOf(':');
                int index = Integer.parseInt(text.substring(0, colon));
                long amount = Long.parseLong(text.substring(colon + 1));
                assertTrue(!seen.get(index), "packet " + index + " loaded twice");
                seen.set(index);
                assertTrue(amount >= 1, "packet " + index + " below a cent: " + amount);
                shardSum += amount;
            }
            Response state = send(Request.cmd(Command.HMGET).arg(RainKeys.state(code, shard))
                .arg("loadedCount").arg("loadedAmount").arg("expectedCount"));
            assertEquals(list.size(), state.get(0).toLong(), "shard " + shard + " counts what its list holds");
            assertEquals(shardSum, state.get(1).toLong(), "shard " + shard + " sums what its list holds");
            assertEquals(state.get(2).toLong(), state.get(0).toLong(), "shard " + shard + " is complete");
            assertEquals(-1L, send(Request.cmd(Command.PTTL).arg(RainKeys.packets(code, shard))).toLong(),
                "shard " + shard + "'s packets do not expire");
            sum += shardSum;
        }
        assertEquals(COUNT, seen.cardinality(), "every packet index is loaded");
        assertEquals(TOTAL, sum, "the packets sum to the total");
    }

    private Response send(Request request) throws Exception {
        return redis.send(request).await(30, TimeUnit.SECONDS);
    }
}
