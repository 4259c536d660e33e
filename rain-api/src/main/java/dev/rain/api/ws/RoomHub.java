package dev.rain.api.ws;

import dev.rain.common.event.Json;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room channels of this instance: one Redis pattern subscription for all rooms, fanned out to the
 * WebSockets connected here. Whichever instance raised an event, every instance hears it once on the
 * channel and writes it once to each of its viewers in that room, and to no other room.
 */
public final class RoomHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomHub.class);
    private static final String PATTERN = RainKeys.roomChannel("*");
    private static final String PREFIX = RainKeys.roomChannel("");

    private final Vertx vertx;
    private final Redis subscriberClient;
    private final ConcurrentHashMap<String, Set<RoomSocket>> rooms = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final long heartbeatTimer;
    private final long stallTimer;
    private volatile RedisConnection subscription;
    private volatile boolean running = true;

    public RoomHub(Vertx vertx, Redis subscriberClient, long heartbeatMillis) {
        this.vertx = vertx;
        this.subscriberClient = subscriberClient;
        this.heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat(heartbeatMillis * 3));
        this.stallTimer = vertx.setPeriodic(1_000, id -> dropStalled());
        subscribe();
    }

    /** Subscribes, and again after the connection drops: a missed start is caught up by the late-join path. */
    private void subscribe() {
        if (!running) {
            return;
        }
        subscriberClient.connect()
            .compose(connection -> {
                subscription = connection;
                connection.handler(this::onMessage);
                connection.endHandler(end -> resubscribeLater());
                connection.exceptionHandler(e -> LOG.warn("room subscription failed: {}", e.toString()));
                return connection.send(Request.cmd(Command.PSUBSCRIBE).arg(PATTERN));
            })
            .onSuccess(ok -> LOG.info("subscribed to room channels {}", PATTERN))
            .onFailure(e -> {
                LOG.warn("cannot subscribe to room channels, retrying: {}", e.toString());
                resubscribeLater();
            });
    }

    private void resubscribeLater() {
        if (running) {
            vertx.setTimer(1_000, id -> subscribe());
        }
    }

    private void onMessage(Response message) {
        if (message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI) {
            return;
        }
        if (message.size() == 4 && "pmessage".equals(message.get(0).toString())) {
            String channel = message.get(2).toString();
            deliver(channel.substring(PREFIX.length()), message.get(3).toString());
        }
    }

    /** Writes one event to every viewer of the room on this instance. */
    void deliver(String roomId, String json) {
        Set<RoomSocket> sockets = rooms.get(roomId);
        if (sockets == null || sockets.isEmpty()) {
            return;
        }
        String startOf = startOf(json);
        for (RoomSocket socket : sockets) {
            if (!socket.send(json, startOf)) {
                dropped.incrementAndGet();
                leave(socket);
                LOG.info("closed a viewer of room {} that fell too far behind ({} so far)", roomId, dropped.get());
            }
        }
    }

    /** The rain a RAIN_START announces, so each connection hears it once; null for other events. */
    static String startOf(String json) {
        if (!json.contains("\"RAIN_START\"")) {
            return null;
        }
        try {
            JsonObject event = new JsonObject(json);
            return "RAIN_START".equals(event.getString("type")) ? event.getString("configCode") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    void join(RoomSocket socket) {
        rooms.compute(socket.roomId(), (room, sockets) -> {
            Set<RoomSocket> set = sockets == null ? ConcurrentHashMap.newKeySet() : sockets;
            set.add(socket);
            return set;
        });
    }

    /** Atomic per room: a viewer joining at the same moment never lands in a set being dropped. */
    void leave(RoomSocket socket) {
        rooms.computeIfPresent(socket.roomId(), (room, sockets) -> {
            sockets.remove(socket);
            return sockets.isEmpty() ? null : sockets;
        });
    }

    private void dropStalled() {
        rooms.values().forEach(sockets -> sockets.forEach(socket -> {
            if (!socket.checkStalled()) {
                dropped.incrementAndGet();
                leave(socket);
                LOG.info("closed a viewer of room {} that stayed too far behind ({} so far)", socket.roomId(),
                    dropped.get());
            }
        }));
    }

    private void heartbeat(long deadAfterMillis) {
        rooms.values().forEach(sockets -> sockets.forEach(socket -> {
            if (!socket.heartbeat(deadAfterMillis)) {
                leave(socket);
            }
        }));
    }

    /** Connections on this instance. */
    public int connections() {
        return rooms.values().stream().mapToInt(Set::size).sum();
    }

    /** Connections closed because their client fell too far behind. */
    public long droppedCount() {
        return dropped.get();
    }

    static String encode(Object event) {
        try {
            return Json.MAPPER.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(stallTimer);
        rooms.values().forEach(sockets -> sockets.forEach(socket -> socket.close((short) 1001, "server stopping")));
        rooms.clear();
        RedisConnection connection = subscription;
        if (connection != null) {
            connection.close();
        }
    }
}
