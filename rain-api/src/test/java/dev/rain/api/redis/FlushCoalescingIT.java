package dev.rain.api.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.testing.RealServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lane's flushes, against a real Redis: what one event-loop turn writes leaves in one flush. */
class FlushCoalescingIT {

    private static final int COMMANDS = 200;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final Redis pool = Redis.createClient(vertx, RealServices.get().redisUrl());
    private final PipelinedRedis lanes = new PipelinedRedis(Redis.createClient(vertx, RealServices.get().redisUrl()));

    @AfterEach
    void close() throws Exception {
        lanes.close().await(10, TimeUnit.SECONDS);
        pool.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("this Redis client's standalone connection takes the handler (an upgrade that hides its socket fails here)")
    void installsOnAStandaloneConnection() throws Exception {
        RedisConnection connection = pool.connect().await(10, TimeUnit.SECONDS);
        try {
            assertTrue(FlushCoalescing.install(connection));
            assertNotNull(FlushCoalescing.pipeline(connection).get(FlushCoalescing.HANDLER_NAME));
            assertTrue(FlushCoalescing.install(connection), "installing twice leaves one handler");
            assertEquals("PONG", connection.send(Request.cmd(Command.PING)).await(10, TimeUnit.SECONDS).toString());
        } finally {
            connection.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("commands sent in one event-loop turn reach Redis in a few reads, each with its own answer")
    void oneTurnOneRead() throws Exception {
        Context loop = ((VertxInternal) vertx).createEventLoopContext();
        String key = "it:flush:" + UUID.randomUUID();
        // The lane connects (and installs the handler) on its first command.
        OnEventLoop.run(loop, () -> lanes.send(Request.cmd(Command.PING))).get(10, TimeUnit.SECONDS);

        long before = readsProcessed();
        List<Response> answers = OnEventLoop.run(loop, () -> {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                sent.add(lanes.send(Request.cmd(Command.INCR).arg(key)));
            }
            return Future.all(sent).map(all -> all.<Response>list());
        }).get(10, TimeUnit.SECONDS);
        long reads = readsProcessed() - before - 1; // the INFO just sent was a read of its own

        for (int i = 0; i < COMMANDS; i++) {
            assertEquals(i + 1, answers.get(i).toLong(), "answer " + i);
        }
        // One flush for the turn; a few reads at most if Redis wakes while the bytes arrive, or if another
        // client (another test's leftover) reads meanwhile. Flushed one by one, it was one read per command or so.
        assertTrue(reads <= COMMANDS / 10, COMMANDS + " commands took " + reads + " reads in Redis");
        pool.send(Request.cmd(Command.DEL).arg(key)).await(10, TimeUnit.SECONDS);
    }

    private long readsProcessed() throws Exception {
        String stats = pool.send(Request.cmd(Command.INFO).arg("stats")).await(10, TimeUnit.SECONDS).toString();
        for (String line : stats.split("\r\n")) {
            if (line.startsWith("total_reads_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no total_reads_processed in INFO stats");
    }
}
