package dev.rain.api.http;

import dev.rain.api.ledger.Blocking;
import dev.rain.common.ledger.ReadSql;
import dev.rain.common.ledger.RainRecord;
import dev.rain.api.rain.RainDetail;
import dev.rain.api.rain.RainService;
import dev.rain.common.RainStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Settled records (cursor paging) and reconciliation of one rain. */
final class ReadRoutes {

    /** Base64url of at most 37 characters is at most 50; a length of 4k+1 is never valid base64. */
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{2,50}");
    /** The batch, a dot, the seq. */
    private static final Pattern POSITION = Pattern.compile("([0-9]{1,18})\\.([0-9]{1,18})");

    private final Blocking blocking;
    private final RainService rains;

    ReadRoutes(Blocking blocking, RainService rains) {
        this.blocking = blocking;
        this.rains = rains;
    }

    void mount(Router router) {
        router.get("/v1/rains/:code/records").handler(this::records);
        router.get("/v1/rains/:code/reconciliation").handler(this::reconciliation);
    }

    private void records(RoutingContext ctx) {
        String code = RainRoutes.code(ctx);
        int limit = Responses.limit(ctx, 100, 500);
        ReadSql.Position after = cursor(Responses.singleQueryParam(ctx, "after"));
        rains.find(code)
            .compose(rain -> blocking.transaction(c -> ReadSql.records(c, code, after, limit + 1))
                .map(records -> page(rain, records, limit)))
            .onSuccess(page -> ctx.response().putHeader("Content-Type", "application/json").end(page.toBuffer()))
            .onFailure(ctx::fail);
    }

    private static JsonObject page(RainRecord rain, List<ReadSql.GrabRecord> records, int limit) {
        JsonArray array = new JsonArray();
        records.stream().limit(limit).forEach(r -> array.add(new JsonObject()
            .put("packetId", r.packetId())
            .put("userId", r.userId())
            .put("amount", r.amount())
            .put("grabbedAt", r.grabbedAt().toString())
            .put("bestLuck", r.packetId().equals(rain.bestLuckPacket()))));
        String next = records.size() > limit ? encode(records.get(limit - 1).position()) : null;
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
        rains.owned(code, caller.userId(), caller.isAdmin())
            .compose(rain -> rains.detail(rain)
                .compose(detail -> blocking.transaction(c -> ReadSql.figures(c, code))
                    .map(figures -> reconcile(rain, detail, figures))))
            .onSuccess(report -> ctx.response().putHeader("Content-Type", "application/json").end(report.toBuffer()))
            .onFailure(ctx::fail);
    }

    /**
     * Balanced means the journal adds up ({@code funded == credited + refunded + escrow}), the rain's
     * counters agree with the journal, no claim was refused, the ledger credited no more than the rain's shards
     * handed out, and a finished rain left nothing behind.
     */
    static JsonObject reconcile(RainRecord rain, RainDetail detail, ReadSql.LedgerFigures figures) {
        JsonArray anomalies = new JsonArray();
        for (ReadSql.Anomaly a : figures.anomalies()) {
            anomalies.add(new JsonObject().put("kind", a.reason()).put("packetId", a.packetId())
                .put("userId", a.userId()).put("amount", a.amount()).put("grabbedAt", a.occurredAt().toString())
                .put("detail", a.detail()));
        }
        // From the ledger's totals, not from the listed anomalies: the list is bounded, the money is not.
        long inFlight = Math.max(0, detail.grabbedAmount() - figures.credited() - figures.refusedAmount());
        boolean finished = rain.status() == RainStatus.FINISHED;
        if (figures.funded() != figures.credited() + figures.refunded() + figures.escrowBalance()) {
            anomalies.add(new JsonObject().put("kind", "JOURNAL_MISMATCH").put("detail", "funded " + figures.funded()
                + " != credited " + figures.credited() + " + refunded " + figures.refunded() + " + escrow "
                + figures.escrowBalance()));
        }
        if (figures.funded() != rain.totalAmount()) {
            anomalies.add(new JsonObject().put("kind", "FUNDING_MISMATCH").put("detail",
                "funded " + figures.funded() + " != totalAmount " + rain.totalAmount()));
        }
        if (figures.credited() != rain.settledAmount() || figures.creditedCount() != rain.settledCount()) {
            anomalies.add(new JsonObject().put("kind", "COUNTER_MISMATCH").put("detail", "journal credited "
                + figures.credited() + " in " + figures.creditedCount() + " grabs, counters say "
                + rain.settledAmount() + " in " + rain.settledCount()));
        }
        // Once the finisher froze what the shards handed out, the ledger can have credited no more than that. More
        // means claims that no grab of this rain produced (a message from elsewhere), or Redis losing the writes that
        // counted them. The money still adds up then, so no other check here sees it.
        if (rain.claimedCount() != null && rain.claimedAmount() != null
            && (figures.creditedCount() > rain.claimedCount() || figures.credited() > rain.claimedAmount())) {
            anomalies.add(new JsonObject().put("kind", "CREDITED_BEYOND_CLAIMS").put("detail", "the ledger credited "
                + figures.credited() + " in " + figures.creditedCount() + " grabs, the rain's shards handed out "
                + rain.claimedAmount() + " in " + rain.claimedCount()));
        }
        if (finished && figures.escrowBalance() != 0) {
            anomalies.add(new JsonObject().put("kind", "ESCROW_NOT_EMPTY").put("detail",
                "the finished rain's escrow still holds " + figures.escrowBalance()));
        }
        return new JsonObject()
            .put("configCode", rain.configCode())
            .put("status", rain.status().name())
            .put("funded", figures.funded())
            .put("credited", figures.credited())
            .put("refunded", figures.refunded())
            .put("inFlight", inFlight)
            .put("escrowBalance", figures.escrowBalance())
            .put("anomalyCount", figures.anomalyCount() + anomalies.size() - figures.anomalies().size())
            .put("anomalies", anomalies)
            .put("balanced", anomalies.isEmpty() && (!finished || inFlight == 0));
    }
}
