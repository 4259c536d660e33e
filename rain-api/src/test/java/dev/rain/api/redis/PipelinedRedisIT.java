package dev.rain.api.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.testing.RealServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.Request;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A lane's connection ending, against a real Redis and the local Redis Cluster: the lane closes it once and the
 * next command connects again, with nothing thrown on the event loop. (Closing a pooled connection twice gives
 * its lease back twice, and the pool throws; on the cluster every node's connection reports its end.)
 */
class PipelinedRedisIT {

    /** Exported by {@code ./rainctl test} (see {@code LocalRedisCluster}). */
    private static final String CLUSTER_NODES = "RAIN_TEST_REDIS_CLUSTER_NODES";

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    /** What the event loops threw that no handler caught: Vert.x only logs these, so the test collects them. */
    private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    private final Context loop = ((VertxInternal) vertx).createEventLoopContext();

    PipelinedRedisIT() {
        vertx.exceptionHandler(unhandled::add);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("on the Redis Cluster, closing the client after its lanes connected throws nothing on the event loop")
    void clusterCloseIsQuiet() throws Exception {
        PipelinedRedis lanes = new PipelinedRedis(cluster());
        for (int i = 0; i < 20; i++) {
            // Keys of several slots, so the lane's cluster connection holds a connection to each master.
            String key = "it:lane:{" + i + "}";
            on(() -> lanes.send(Request.cmd(Command.SET).arg(key).arg("1"))).get(10, TimeUnit.SECONDS);
            on(() -> lanes.send(Request.cmd(Command.DEL).arg(key))).get(10, TimeUnit.SECONDS);
        }
        on(lanes::close).get(10, TimeUnit.SECONDS);
        settle();
        assertEquals(List.of(), unhandled, "thrown on the event loop while the lanes closed");
    }

    @Test
    @DisplayName("a lane whose connection Redis kills connects again on its next command, throwing nothing on the event loop")
    void killedConnectionIsReplaced() throws Exception {
        Redis admin = Redis.createClient(vertx, RealServices.get().redisUrl());
        PipelinedRedis lanes = new PipelinedRedis(Redis.createClient(vertx, RealServices.get().redisUrl()));
        try {
            long first = on(() -> lanes.send(Request.cmd(Command.CLIENT).arg("ID"))).get(10, TimeUnit.SECONDS).toLong();
            admin.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(first)).await(10, TimeUnit.SECONDS);
            settle();

            long second = on(() -> lanes.send(Request.cmd(Command.CLIENT).arg("ID"))).get(10, TimeUnit.SECONDS).toLong();
            assertNotEquals(first, second, "the lane kept the killed connection");
            assertEquals(second, on(() -> lanes.send(Request.cmd(Command.CLIENT).arg("ID"))).get(10, TimeUnit.SECONDS)
                .toLong(), "the lane's new connection is kept for the commands after it");
            assertEquals(List.of(), unhandled, "thrown on the event loop while the lane dropped its connection");
        } finally {
            on(lanes::close).get(10, TimeUnit.SECONDS);
            admin.close().await(10, TimeUnit.SECONDS);
        }
        settle();
        assertEquals(List.of(), unhandled, "thrown on the event loop while the lane closed");
    }

    private Redis cluster() {
        String nodes = System.getenv(CLUSTER_NODES);
        assertTrue(nodes != null && !nodes.isBlank(), CLUSTER_NODES + " is not set: run the suite with ./rainctl test");
        // As RedisClients builds the API's cluster client.
        return Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER)
            .setEndpoints(Arrays.stream(nodes.split(",")).map(String::trim).toList())
            .setUseReplicas(RedisReplicas.NEVER));
    }

    /** Lets the ends and exceptions that a close or a kill causes reach their handlers. */
    private void settle() throws Exception {
        Thread.sleep(500);
        on(() -> Future.succeededFuture()).get(10, TimeUnit.SECONDS);
    }

    private <T> CompletableFuture<T> on(Supplier<Future<T>> work) {
        return OnEventLoop.run(loop, work);
    }
}
