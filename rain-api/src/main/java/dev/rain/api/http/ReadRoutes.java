package dev.rain.api.http;

import dev.rain.api.rain.LedgerReads;
import dev.rain.common.ledger.ReadSql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Settled records (cursor paging) and reconciliation of one rain. */
final class ReadRoutes {

    /** The batch, a dot, the seq. */
    private static final Pattern POSITION = Pattern.compile("([0-9]{1,18})\\.([0-9]{1,18})");

    private final LedgerReads ledger;

    ReadRoutes(LedgerReads ledger) {
        this.ledger = ledger;
    }

    void mount(Router router) {
        router.get("/v1/rains/:code/records").handler(this::records);
        router.get("/v1/rains/:code/reconciliation").handler(this::reconciliation);
    }

    private void records(RoutingContext ctx) {
        String code = RainRoutes.code(ctx);
        int limit = Responses.limit(ctx, 100, 500);
        ReadSql.Position after = cursor(Responses.singleQueryParam(ctx, "after"));
        ledger.records(code, after, limit)
            .map(ReadRoutes::page)
            .onSuccess(page -> ctx.response().putHeader("Content-Type", "application/json").end(page.toBuffer()))
            .onFailure(ctx::fail);
    }

    private static JsonObject page(LedgerReads.Page page) {
        JsonArray array = new JsonArray();
        page.records().forEach(r -> array.add(new JsonObject()
            .put("packetId", r.packetId())
            .put("userId", r.userId())
            .put("amount", r.amount())
            .put("grabbedAt", r.grabbedAt().toString())
            .put("bestLuck", r.packetId().equals(page.rain().bestLuckPacket()))));
        String next = page.next() == null ? null : encode(page.next());
        return new JsonObject().put("records", array).put("next", next);
    }

    static String encode(ReadSql.Position position) {
        return Cursors.encode(position.batch() + "." + position.seq());
    }

    /**
     * A cursor is exactly what {@link #encode} makes: two runs of ASCII digits with a dot between, without leading
     * zeros or {@code +5}, and not a cursor of the seq alone from before V3.
     */
    static ReadSql.Position cursor(String raw) {
        if (raw == null) {
            return ReadSql.Position.START;
        }
        Matcher decoded = Cursors.decode(raw, POSITION);
        ReadSql.Position position =
            new ReadSql.Position(Long.parseLong(decoded.group(1)), Long.parseLong(decoded.group(2)));
        if (!encode(position).equals(raw)) {
            throw Cursors.refused();
        }
        return position;
    }

    private void reconciliation(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.ANCHOR, Caller.ADMIN);
        String code = RainRoutes.code(ctx);
        ledger.reconciliation(code, caller.userId(), caller.isAdmin())
            .onSuccess(report -> Responses.json(ctx, 200, report))
            .onFailure(ctx::fail);
    }
}
