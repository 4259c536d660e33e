package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
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
        List<String> types = ctx.request().headers().getAll("Content-Type");
        if (types.size() != 1 || !isUtf8Json(types.get(0))) {
            throw new RainException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json (UTF-8)");
        }
    }

    /**
     * For routes that take no body: none, or an empty JSON object. Anything else is refused as it would be on a
     * route with a body (415, 400 naming the unknown field), so a client never believes a field was read.
     */
    static void requireNoFields(RoutingContext ctx) {
        requireJsonBody(ctx, false);
        JsonBody.parse(ctx.body().buffer(), Set.of());
    }

    /**
     * {@code application/json}, with no charset or UTF-8. A body labelled UTF-16 would be read as UTF-8
     * here and as UTF-16 by whoever trusts the label (a proxy, a log reader): refused rather than guessed.
     */
    static boolean isUtf8Json(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")) {
                String charset = parameter.length < 2 ? "" : parameter[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Only plain ASCII digits: {@code Integer.parseInt} would also take {@code +5} and other scripts'
     * digits, so two different strings would mean the same page and logs would not say what was asked.
     */
    static int limit(RoutingContext ctx, int fallback, int max) {
        return limit(singleQueryParam(ctx, "limit"), fallback, max);
    }

    /** The {@code limit} query parameter's value (null: absent) read strictly. Fuzzed. */
    static int limit(String raw, int fallback, int max) {
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
