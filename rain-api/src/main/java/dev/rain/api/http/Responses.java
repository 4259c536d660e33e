package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** JSON answers. */
final class Responses {

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (Exception e) {
            ctx.fail(e);
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(bytes));
    }

    /** Refuses a body that is not JSON; an empty body is allowed where the route has no required field. */
    static void requireJsonBody(RoutingContext ctx, boolean required) {
        boolean present = ctx.body() != null && ctx.body().length() > 0;
        if (!present && !required) {
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim();
        if (!media.equalsIgnoreCase("application/json")) {
            throw new RainException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
        }
    }

    static int limit(RoutingContext ctx, int fallback, int max) {
        String raw = ctx.request().getParam("limit");
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new FieldException("limit", "limit must be a whole number from 1 to " + max);
    }
}
