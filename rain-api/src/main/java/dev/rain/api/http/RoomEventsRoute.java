package dev.rain.api.http;

import dev.rain.api.config.TrustedProxies;
import dev.rain.api.ratelimit.ConnectionCaps;
import dev.rain.api.ws.RoomEntrance;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/rooms/{roomId}/events}: the room's live channel. The token comes in the Authorization
 * header or, for browsers that cannot set headers on a WebSocket, as {@code ?access_token=}. An address or a
 * user holding its cap of open WebSockets on this instance is refused before the upgrade; once upgraded, the
 * socket is let into its room by {@link RoomEntrance}.
 */
public final class RoomEventsRoute {

    private final RoomEntrance entrance;
    private final Authenticator authenticator;
    private final ConnectionCaps caps;
    private final TrustedProxies trusted;

    public RoomEventsRoute(RoomEntrance entrance, Authenticator authenticator, ConnectionCaps caps,
                           TrustedProxies trusted) {
        this.entrance = entrance;
        this.authenticator = authenticator;
        this.caps = caps;
        this.trusted = trusted;
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
            .map(caller -> caps.reserveWebSocket(ClientAddress.of(ctx, trusted), caller.userId()))
            .compose(slot -> join(ctx, roomId, slot))
            .onFailure(ctx::fail);
    }

    /** Upgrades and enters the room; the socket's slot is given back when it closes, or at once if the upgrade fails. */
    private Future<Void> join(RoutingContext ctx, String roomId, Runnable slot) {
        return ctx.request().toWebSocket()
            .onFailure(failed -> slot.run())
            .map(socket -> {
                entrance.enter(socket, roomId, slot);
                return null;
            });
    }

    private static String token(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return ctx.request().getParam("access_token");
    }
}
