package dev.rain.api.ws;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.event.RoomEvent;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.RainListSql;
import io.vertx.core.http.ServerWebSocket;
import java.time.Instant;

/**
 * Lets an upgraded WebSocket into its room: it joins the {@link RoomHub}, leaves it when it closes, and a viewer
 * joining while a rain runs gets its RAIN_START at once, with the time really left.
 */
public final class RoomEntrance {

    private final RoomHub hub;
    private final LedgerExecutor ledger;
    private final int writeQueueBytes;
    private final long stallMillis;

    /**
     * @param writeQueueBytes what may wait unsent for one viewer before it counts as behind
     * @param stallMillis     how long a viewer may stay behind before it is closed
     */
    public RoomEntrance(RoomHub hub, LedgerExecutor ledger, int writeQueueBytes, long stallMillis) {
        this.hub = hub;
        this.ledger = ledger;
        this.writeQueueBytes = writeQueueBytes;
        this.stallMillis = stallMillis;
    }

    /** Joins the room; {@code onClose} runs when the socket closes (it gives back the socket's slot). */
    public void enter(ServerWebSocket socket, String roomId, Runnable onClose) {
        RoomSocket viewer = new RoomSocket(socket, roomId, writeQueueBytes, stallMillis);
        hub.join(viewer);
        socket.closeHandler(closed -> {
            viewer.markClosed();
            hub.leave(viewer);
            onClose.run();
        });
        catchUp(viewer);
    }

    /** RAIN_START of every rain already running in the room; the socket drops a duplicate of a live one. */
    private void catchUp(RoomSocket viewer) {
        ledger.transaction(c -> RainListSql.runningInRoom(c, viewer.roomId()))
            .onSuccess(rains -> rains.forEach(rain -> viewer.send(RoomHub.encode(lateStart(rain)), rain.configCode())));
    }

    static RoomEvent.RainStart lateStart(RainRecord rain) {
        long left = rain.startsAt().toEpochMilli() - Instant.now().toEpochMilli();
        int countdown = (int) Math.max(0, (left + 999) / 1000);
        return new RoomEvent.RainStart(rain.configCode(), rain.roomId(), rain.totalCount(), rain.totalAmount(),
            countdown, rain.startsAt().toString(), rain.endsAt().toString());
    }
}
