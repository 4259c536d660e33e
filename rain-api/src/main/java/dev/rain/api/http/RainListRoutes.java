package dev.rain.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.rain.api.rain.RainDetail;
import dev.rain.api.rain.RainPage;
import dev.rain.api.rain.RainService;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.RainListSql;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists of rains, so an anchor who opens a new tab finds their rain again and a viewer finds the room's: an
 * anchor's own, newest first, and a room's, running before finished. Paged by an opaque cursor.
 */
final class RainListRoutes {

    /** Finished or not, microseconds since the epoch of the creation, the config code. */
    private static final Pattern POSITION = Pattern.compile("([01])\\.([0-9]{1,18})\\.([A-Za-z0-9_-]{22})");

    private final RainService rains;

    RainListRoutes(RainService rains) {
        this.rains = rains;
    }

    void mount(Router router) {
        router.get("/v1/rains").handler(this::mine);
        router.get("/v1/rooms/:roomId/rains").handler(this::inRoom);
    }

    /** {@code mine=true} is the only list of /v1/rains: there is no list of every anchor's rains. */
    private void mine(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.ANCHOR);
        if (!"true".equals(Responses.singleQueryParam(ctx, "mine"))) {
            throw new FieldException("mine", "list your own rains with mine=true");
        }
        int limit = Responses.limit(ctx, 20, 100);
        RainListSql.ListPosition after = cursor(Responses.singleQueryParam(ctx, "after"));
        answer(ctx, rains.mine(caller.userId(), after, limit));
    }

    private void inRoom(RoutingContext ctx) {
        String roomId = ctx.pathParam("roomId");
        if (!Ids.isRoomId(roomId)) {
            throw new FieldException("roomId", "roomId must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        int limit = Responses.limit(ctx, 20, 100);
        RainListSql.ListPosition after = cursor(Responses.singleQueryParam(ctx, "after"));
        answer(ctx, rains.inRoom(roomId, after, limit));
    }

    /** {@code next} is always present: null says the list ends here. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Listing(List<RainDetail> rains, String next) {
    }

    private static void answer(RoutingContext ctx, Future<RainPage> page) {
        page.map(p -> new Listing(p.rains(), p.next() == null ? null : encode(p.next())))
            .onSuccess(listing -> Responses.json(ctx, 200, listing))
            .onFailure(ctx::fail);
    }

    static String encode(RainListSql.ListPosition position) {
        Instant at = position.createdAt();
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        return Cursors.encode((position.finished() ? "1." : "0.") + micros + "." + position.configCode());
    }

    /** Exactly what {@link #encode} issued, or null for the first page. Fuzzed. */
    static RainListSql.ListPosition cursor(String raw) {
        if (raw == null) {
            return null;
        }
        Matcher decoded = Cursors.decode(raw, POSITION);
        long micros = Long.parseLong(decoded.group(2));
        RainListSql.ListPosition position = new RainListSql.ListPosition("1".equals(decoded.group(1)),
            Instant.ofEpochSecond(micros / 1_000_000L, (micros % 1_000_000L) * 1_000L), decoded.group(3));
        if (!encode(position).equals(raw)) {
            throw Cursors.refused();
        }
        return position;
    }
}
