package dev.rain.api.http;

import dev.rain.api.wallet.WalletService;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.WalletSql;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/** Deposits (admin, idempotent by reference) and the caller's own wallet. */
final class WalletRoutes {

    static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    static final long MAX_DEPOSIT = 1_000_000_000_000L;
    private static final Set<String> FIELDS = Set.of("amount", "reference");
    /** A journal seq: digits without a leading zero, so one seq has one cursor. */
    private static final Pattern SEQ = Pattern.compile("[1-9][0-9]{0,17}");

    private final WalletService wallets;

    WalletRoutes(WalletService wallets) {
        this.wallets = wallets;
    }

    void mount(Router router) {
        router.post("/v1/wallets/:userId/deposits").handler(this::deposit);
        router.get("/v1/wallets/me").handler(this::me);
    }

    private void deposit(RoutingContext ctx) {
        Authenticator.require(ctx, Caller.ADMIN);
        // The path names the account money goes to: refuse a bad one before looking at anything else.
        String userId = ctx.pathParam("userId");
        if (!Ids.isUserId(userId)) {
            throw new FieldException("userId", "userId must be 1 to 64 characters of A-Z a-z 0-9 _ . : -");
        }
        Responses.requireJsonBody(ctx, true);
        DepositRequest request = depositRequest(ctx.body().buffer());
        wallets.deposit(userId, request.amount(), request.reference())
            .onSuccess(balance -> Responses.json(ctx, 201, balance))
            .onFailure(ctx::fail);
    }

    record DepositRequest(long amount, String reference) {
    }

    /** Reads and validates a deposit body; refuses with a {@link FieldException} naming the field. Fuzzed. */
    static DepositRequest depositRequest(Buffer raw) {
        JsonBody body = JsonBody.parse(raw, FIELDS);
        long amount = body.requiredLong("amount", 1, MAX_DEPOSIT);
        String reference = body.requiredString("reference", REFERENCE, "1 to 128 characters of A-Z a-z 0-9 _ . : -");
        return new DepositRequest(amount, reference);
    }

    private void me(RoutingContext ctx) {
        String userId = Authenticator.caller(ctx).userId();
        int limit = Responses.limit(ctx, 50, 200);
        long beforeSeq = cursor(Responses.singleQueryParam(ctx, "after"));
        wallets.wallet(userId, beforeSeq, limit)
            .map(wallet -> new JsonObject()
                .put("userId", wallet.userId())
                .put("balance", wallet.balance())
                .put("entries", entries(wallet.entries()))
                .put("next", wallet.next() == null ? null : Cursors.encode(Long.toString(wallet.next()))))
            .onSuccess(wallet -> ctx.response().putHeader("Content-Type", "application/json").end(wallet.toBuffer()))
            .onFailure(ctx::fail);
    }

    /** The journal seq the page goes on below, exactly as issued ({@link Long#MAX_VALUE}: from the newest). Fuzzed. */
    static long cursor(String raw) {
        return raw == null ? Long.MAX_VALUE : Long.parseLong(Cursors.decode(raw, SEQ).group());
    }

    private static JsonArray entries(java.util.List<WalletSql.Entry> entries) {
        JsonArray array = new JsonArray();
        entries.forEach(e -> array.add(new JsonObject().put("bizId", e.bizId()).put("amount", e.amount())
            .put("kind", e.kind()).put("at", e.at().toString())));
        return array;
    }
}
