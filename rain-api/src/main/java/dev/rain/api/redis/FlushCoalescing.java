package dev.rain.api.redis;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.impl.PooledRedisConnection;
import io.vertx.redis.client.impl.RedisStandaloneConnection;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One system call for the commands an event loop writes to its lane in one turn, instead of one each.
 *
 * <p>Why: Vert.x flushes a connection's write at once unless that connection itself is being read, and a grab's
 * script is written while the event loop reads the viewer's request: one {@code send} per command, and one read
 * per command on Redis's side. Netty's {@link FlushConsolidationHandler} on the lane's channel turns those flushes
 * into one at the end of the event loop's turn; the answers wait for nothing else.
 *
 * <p>The lane's connection is Vert.x's standalone Redis connection, whose socket is not public: it is reached by
 * reflection, and when that fails (another Redis client version, a cluster connection) the lane works exactly as
 * before, one flush per command. {@code FlushCoalescingIT} fails if the handler is not installed on a standalone
 * lane, so a client upgrade that moves the field is noticed.
 */
final class FlushCoalescing {

    private static final Logger LOG = LoggerFactory.getLogger(FlushCoalescing.class);
    static final String HANDLER_NAME = "rain-flush-coalescing";
    private static final Field SOCKET = socketField();

    private FlushCoalescing() {
    }

    /**
     * Installs the handler on the connection's channel, on its event loop.
     *
     * @return whether it was installed; false leaves the connection as it was
     */
    static boolean install(RedisConnection connection) {
        ChannelPipeline pipeline = pipeline(connection);
        if (pipeline == null) {
            return false;
        }
        if (pipeline.get(HANDLER_NAME) == null) {
            // Nearest the socket: every flush of the handlers above it passes through.
            pipeline.addFirst(HANDLER_NAME, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
        return true;
    }

    /** The channel pipeline under a standalone connection, or null. */
    static ChannelPipeline pipeline(RedisConnection connection) {
        RedisConnection actual = connection instanceof PooledRedisConnection pooled ? pooled.actual() : connection;
        if (SOCKET == null || !(actual instanceof RedisStandaloneConnection)) {
            return null;
        }
        try {
            return SOCKET.get(actual) instanceof NetSocketInternal socket
                ? socket.channelHandlerContext().pipeline() : null;
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Field socketField() {
        try {
            Field field = RedisStandaloneConnection.class.getDeclaredField("netSocket");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Redis commands are flushed one by one: this Redis client's socket cannot be reached ({})",
                e.toString());
            return null;
        }
    }
}
