package dev.rain.api.http;

import dev.rain.api.group.GroupService;
import dev.rain.common.id.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/** Chat groups' members: the IM platform (or an admin) says who is in a group; members read who else is. */
final class GroupRoutes {

    private static final String ID_RULE = " must be 1 to 64 characters of A-Z a-z 0-9 _ . : -";

    private final GroupService groups;

    GroupRoutes(GroupService groups) {
        this.groups = groups;
    }

    void mount(Router router) {
        router.put("/v1/groups/:groupId/members/:userId").handler(ctx -> change(ctx, groups::join));
        router.delete("/v1/groups/:groupId/members/:userId").handler(ctx -> change(ctx, groups::leave));
        router.get("/v1/groups/:groupId/members").handler(this::members);
    }

    /** Join and leave: idempotent, so a retry after a lost answer is always safe, and answered 204 alike. */
    private void change(RoutingContext ctx, BiFunction<String, String, Future<Void>> action) {
        Authenticator.require(ctx, Caller.SERVICE, Caller.ADMIN);
        String groupId = id(ctx, "groupId");
        String userId = id(ctx, "userId");
        Responses.requireNoFields(ctx);
        action.apply(groupId, userId)
            .onSuccess(done -> ctx.response().setStatusCode(204).end())
            .onFailure(ctx::fail);
    }

    private void members(RoutingContext ctx) {
        Caller caller = Authenticator.caller(ctx);
        String groupId = id(ctx, "groupId");
        int limit = Responses.limit(ctx, 100, 500);
        String after = cursor(Responses.singleQueryParam(ctx, "after"));
        Responses.requireNoFields(ctx);
        boolean privileged = caller.has(Caller.SERVICE) || caller.isAdmin();
        groups.members(groupId, caller.userId(), privileged, after, limit)
            .map(page -> new JsonObject().put("members", new JsonArray(page.members()))
                .put("next", page.last() == null ? null : encode(page.last())))
            .onSuccess(page -> ctx.response().putHeader("Content-Type", "application/json").end(page.toBuffer()))
            .onFailure(ctx::fail);
    }

    /** Group and user ids share the contract's id alphabet; a malformed one is refused before any lookup. */
    private static String id(RoutingContext ctx, String name) {
        String id = ctx.pathParam(name);
        if (!Ids.isUserId(id)) {
            throw new FieldException(name, name + ID_RULE);
        }
        return id;
    }

    static String encode(String lastUserId) {
        return Cursors.encode(lastUserId);
    }

    /** A cursor is exactly what {@link #encode} makes of a user id, else refused. Null: the first page, "". */
    static String cursor(String raw) {
        return raw == null ? "" : Cursors.decode(raw, Ids.USER_ID).group();
    }
}
