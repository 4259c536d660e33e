package dev.rain.api.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instance's command client: each event loop sends its commands over one Redis connection of its
 * own, pipelined, instead of leasing a pooled connection per command.
 *
 * <p>Why: under a burst of taps the pooled client wrote every command on its own connection, one
 * {@code write} and one {@code read} system call per command on both sides, with a lease and a release
 * around each. On one connection per event loop, Redis answers many commands in one read, and the
 * commands the answers lead to (a grab's script after its rate-limit check) are written while that
 * connection is reading, which Vert.x flushes once at the end of the read: one system call for many
 * commands. Redis runs commands one at a time anyway, so sharing a connection costs no parallelism.
 * Commands written while the event loop reads other sockets (HTTP requests) are flushed together at the end
 * of the event loop's turn ({@link FlushCoalescing}).
 *
 * <p>Only event-loop callers get a lane; worker threads and plain threads use the pool. A lane whose
 * connection fails or ends is dropped and the next command connects again, so a Redis restart costs the
 * commands in flight on it, as with the pool, and nothing after. Only for commands that do not block
 * or change the connection's state (no MULTI, SUBSCRIBE, BLPOP...): none of the API's do.
 */
public final class PipelinedRedis implements Redis {

    private final Redis pool;
    private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PipelinedRedis(Redis pool) {
        this.pool = pool;
    }

    @Override
    public Future<Response> send(Request request) {
        Lane lane = lane();
        return lane == null ? pool.send(request) : lane.send(request);
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        Lane lane = lane();
        return lane == null ? pool.batch(requests) : lane.batch(requests);
    }

    @Override
    public Future<RedisConnection> connect() {
        return pool.connect();
    }

    @Override
    public Future<Void> close() {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>();
        lanes.values().forEach(lane -> closing.add(lane.close()));
        lanes.clear();
        return Future.join(closing).transform(done -> pool.close());
    }

    /** The lane of the calling event loop, or null off the event loops. */
    private Lane lane() {
        if (closed) {
            return null;
        }
        ContextInternal context = (ContextInternal) Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || !context.inThread()) {
            return null;
        }
        return lanes.computeIfAbsent(context.nettyEventLoop(), loop -> new Lane());
    }

    /** One event loop's connection. Used only from its event loop's thread, so it needs no locking. */
    private final class Lane {

        private Future<RedisConnection> connection;

        Future<Response> send(Request request) {
            return connection().compose(c -> c.send(request));
        }

        Future<List<Response>> batch(List<Request> requests) {
            return connection().compose(c -> c.batch(requests));
        }

        private Future<RedisConnection> connection() {
            Future<RedisConnection> current = connection;
            if (current != null && !current.failed()) {
                return current;
            }
            Future<RedisConnection> fresh = pool.connect();
            connection = fresh;
            fresh.onSuccess(c -> {
                c.exceptionHandler(e -> drop(fresh));
                c.endHandler(v -> drop(fresh));
                FlushCoalescing.install(c);
            });
            return fresh;
        }

        /**
         * Forgets a connection that broke and closes it, once: the next command connects again. A connection
         * reports its end more than once (an exception and then the end; on Redis Cluster, the end of each
         * node's connection, and the ends that closing the others causes), and one that is no longer the lane's
         * was closed already, by an earlier report or by {@link #close()}. Closing a pooled connection twice
         * gives its lease back twice, which the pool refuses by throwing on the event loop.
         */
        private void drop(Future<RedisConnection> broken) {
            if (connection != broken) {
                return;
            }
            connection = null;
            broken.result().close();
        }

        Future<Void> close() {
            Future<RedisConnection> current = connection;
            connection = null;
            return current == null ? Future.succeededFuture()
                : current.transform(done -> done.succeeded() ? done.result().close() : Future.succeededFuture());
        }
    }
}
