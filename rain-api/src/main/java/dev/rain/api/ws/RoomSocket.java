package dev.rain.api.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One viewer's connection to a room. Writes never wait. A client whose write queue stays full for
 * longer than the grace period has fallen too far behind and is closed, so a slow or dead client never
 * holds back the others, while a reader that paused for a moment (a GC, a busy phone) is kept.
 */
final class RoomSocket {

    /** Close code 1008 (policy violation) with a reason the client can show. */
    private static final short TOO_SLOW = 1008;

    private final ServerWebSocket socket;
    private final String roomId;
    private final Set<String> startsSent = ConcurrentHashMap.newKeySet();
    private final long stallMillis;
    private volatile long lastPongMillis = System.currentTimeMillis();
    private volatile long fullSinceMillis;
    private volatile boolean closed;

    RoomSocket(ServerWebSocket socket, String roomId, int writeQueueBytes, long stallMillis) {
        this.socket = socket;
        this.roomId = roomId;
        this.stallMillis = stallMillis;
        socket.setWriteQueueMaxSize(writeQueueBytes);
        socket.pongHandler(pong -> lastPongMillis = System.currentTimeMillis());
        socket.drainHandler(drained -> fullSinceMillis = 0);
    }

    String roomId() {
        return roomId;
    }

    /**
     * Sends one event. A RAIN_START is sent at most once per rain and connection, whether it came from
     * the room channel or from the late-joiner catch-up.
     *
     * @return false when the client was too far behind and has been closed
     */
    boolean send(String json, String startOfRain) {
        if (closed) {
            return false;
        }
        if (startOfRain != null && !startsSent.add(startOfRain)) {
            return true;
        }
        if (socket.writeQueueFull()) {
            long now = System.currentTimeMillis();
            if (fullSinceMillis == 0) {
                fullSinceMillis = now;
            } else if (now - fullSinceMillis > stallMillis) {
                close(TOO_SLOW, "too far behind");
                return false;
            }
        }
        socket.writeTextMessage(json);
        return true;
    }

    /** Closes the client if it has stayed behind past the grace period, even when no event is due. */
    boolean checkStalled() {
        if (!closed && fullSinceMillis != 0 && socket.writeQueueFull()
            && System.currentTimeMillis() - fullSinceMillis > stallMillis) {
            close(TOO_SLOW, "too far behind");
        }
        return !closed;
    }

    /** Pings, and closes a client that has not answered for {@code deadAfterMillis}. */
    boolean heartbeat(long deadAfterMillis) {
        if (closed) {
            return false;
        }
        if (System.currentTimeMillis() - lastPongMillis > deadAfterMillis) {
            close((short) 1001, "no pong");
            return false;
        }
        if (!socket.writeQueueFull()) {
            socket.writePing(Buffer.buffer("hb"));
        }
        return true;
    }

    void close(short code, String reason) {
        if (!closed) {
            closed = true;
            socket.close(code, reason);
        }
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }
}
