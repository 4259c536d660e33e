package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Pattern;

/** JSON answers. */
final class Responses {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

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

    /**
     * Only plain ASCII digits: {@code Integer.parseInt} would also take {@code +5} and other scripts'
     * digits, so two different strings would mean the same page and logs would not say what was asked.
     */
    static int limit(RoutingContext ctx, int fallback, int max) {
        String raw = singleQueryParam(ctx, "limit");
        if (raw == null) {
            return fallback;
        }
        if (DIGITS.matcher(raw).matches()) {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= max) {
                return value;
            }
        }
        throw new FieldException("limit", "limit must be a whole number from 1 to " + max);
    }

    /** A repeated parameter is refused: which copy wins differs between proxies and frameworks. */
    static String singleQueryParam(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new FieldException(name, name + " must be given at most once");
        }
        return values.get(0);
    }
}
