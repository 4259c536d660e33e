package dev.rain.api.http;

import dev.rain.api.rain.LedgerReads;
import dev.rain.common.ledger.ReadSql;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Settled records (cursor paging) and reconciliation of one rain. */
final class ReadRoutes {

    /** Base64url of at most 37 characters is at most 50; a length of 4k+1 is never valid base64. */
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{2,50}");
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
        String text = position.batch() + "." + position.seq();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A cursor is exactly what {@link #encode} makes: the URL-safe alphabet without padding, over two runs of
     * ASCII digits with a dot between. Anything else (padding, {@code +5}, leading zeros, leading garbage the
     * decoder would forgive, a cursor of the seq alone from before V3) is refused.
     */
    static ReadSql.Position cursor(String raw) {
        if (raw == null) {
            return ReadSql.Position.START;
        }
        try {
            if (CURSOR.matcher(raw).matches()) {
                Matcher decoded = POSITION.matcher(
                    new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII));
                if (decoded.matches()) {
                    ReadSql.Position position =
                        new ReadSql.Position(Long.parseLong(decoded.group(1)), Long.parseLong(decoded.group(2)));
                    if (encode(position).equals(raw)) {
                        return position;
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 after all: answered below
        }
        throw new FieldException("after", "after must be a cursor returned as next");
    }

    private void reconciliation(RoutingContext ctx) {
        Caller caller = Authenticator.require(ctx, Caller.ANCHOR, Caller.ADMIN);
        String code = RainRoutes.code(ctx);
        ledger.reconciliation(code, caller.userId(), caller.isAdmin())
            .onSuccess(report -> Responses.json(ctx, 200, report))
            .onFailure(ctx::fail);
    }
}
