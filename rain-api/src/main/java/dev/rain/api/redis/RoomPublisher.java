package dev.rain.api.redis;

import dev.rain.common.event.Json;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Publishes room events on the room's Redis channel. Every API instance subscribes and forwards them
 * to its own WebSocket viewers, so an event reaches the whole room whichever instance raised it.
 */
public final class RoomPublisher {

    private final Redis redis;

    public RoomPublisher(Redis redis) {
        this.redis = redis;
    }

    public Future<Void> publish(String roomId, Object event) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(event);
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        return redis.send(Request.cmd(Command.PUBLISH).arg(RainKeys.roomChannel(roomId)).arg(json)).mapEmpty();
    }
}
