package dev.rain.api.ws;

import dev.rain.api.http.Authenticator;
import dev.rain.api.http.WebSocketPaths;
import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.api.ratelimit.ConnectionCaps;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.RainSql;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.RoomEvent;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * {@code GET /v1/rooms/{roomId}/events}: the room's live channel. The token comes in the Authorization
 * header or, for browsers that cannot set headers on a WebSocket, as {@code ?access_token=}. A viewer
 * joining while a rain runs gets its RAIN_START at once, with the time really left. An address or a user
 * holding its cap of open WebSockets on this instance is refused before the upgrade.
 */
public final class RoomEventsRoute {

    private final RoomHub hub;
    private final Authenticator authenticator;
    private final LedgerExecutor ledger;
    private final ConnectionCaps caps;
    private final int writeQueueBytes;
    private final long stallMillis;

    /**
     * @param writeQueueBytes what may wait unsent for one viewer before it counts as behind
     * @param stallMillis     how long a viewer may stay behind before it is closed
     */
    public RoomEventsRoute(RoomHub hub, Authenticator authenticator, LedgerExecutor ledger, ConnectionCaps caps,
                           int writeQueueBytes, long stallMillis) {
        this.hub = hub;
        this.authenticator = authenticator;
        this.ledger = ledger;
        this.caps = caps;
        this.writeQueueBytes = writeQueueBytes;
        this.stallMillis = stallMillis;
    }

    /** Mounted before the /v1 body and bearer handlers, since the token may be in the query. */
    public void mount(Router router) {
        router.get(WebSocketPaths.ROOM_EVENTS).handler(this::upgrade);
    }

    private void upgrade(RoutingContext ctx) {
        String roomId = ctx.pathParam("roomId");
        if (!Ids.isRoomId(roomId)) {
            ctx.fail(new RainException(ErrorCode.NOT_FOUND, "no such room"));
            return;
        }
        if (!ctx.request().canUpgradeToWebSocket()) {
            ctx.fail(new RainException(ErrorCode.INVALID_REQUEST, "this endpoint speaks WebSocket only"));
            return;
        }
        authenticator.authenticate(token(ctx))
            .map(caller -> caps.reserveWebSocket(ctx, caller.userId()))
            .compose(slot -> join(ctx, roomId, slot))
            .onSuccess(this::catchUp)
            .onFailure(ctx::fail);
    }

    /** Upgrades and joins the room; the socket's slot is given back when it closes, or at once if the upgrade fails. */
    private Future<RoomSocket> join(RoutingContext ctx, String roomId, Runnable slot) {
        return ctx.request().toWebSocket()
            .onFailure(failed -> slot.run())
            .map(socket -> {
                RoomSocket viewer = new RoomSocket(socket, roomId, writeQueueBytes, stallMillis);
                hub.join(viewer);
                socket.closeHandler(closed -> {
                    viewer.markClosed();
                    hub.leave(viewer);
                    slot.run();
                });
                return viewer;
            });
    }

    private static String token(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return ctx.request().getParam("access_token");
    }

    /** RAIN_START of every rain already running in the room; the socket drops a duplicate of a live one. */
    private void catchUp(RoomSocket viewer) {
        ledger.transaction(c -> RainSql.runningInRoom(c, viewer.roomId()))
            .onSuccess(rains -> rains.forEach(rain -> viewer.send(RoomHub.encode(lateStart(rain)), rain.configCode())));
    }

    static RoomEvent.RainStart lateStart(RainRecord rain) {
        long left = rain.startsAt().toEpochMilli() - Instant.now().toEpochMilli();
        int countdown = (int) Math.max(0, (left + 999) / 1000);
        return new RoomEvent.RainStart(rain.configCode(), rain.roomId(), rain.totalCount(), rain.totalAmount(),
            countdown, rain.startsAt().toString(), rain.endsAt().toString());
    }

}
