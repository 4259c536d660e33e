package dev.rain.api.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Names every request: the caller's {@code X-Request-Id} when it is well-formed (a proxy or client that
 * already tracks the request keeps its id), else a fresh one. It goes back in the response header, into
 * problem bodies as {@code requestId}, and into the log lines of the request.
 *
 * <p>Vert.x has no thread-bound MDC across async hops, so the id travels in the routing context and the
 * few log calls of a request add it themselves.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String KEY = "rain.requestId";
    /** Printable, no spaces or quotes: it is echoed into headers and logs as it came. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:=/+-]{1,128}");

    private RequestIds() {
    }

    /** First handler of the router. */
    static void assign(RoutingContext ctx) {
        String id = idFor(ctx.request());
        ctx.put(KEY, id);
        ctx.response().putHeader(HEADER, id);
        ctx.next();
    }

    /** The caller's id when it is well-formed, else a fresh one; also for requests refused before routing. */
    static String idFor(HttpServerRequest request) {
        String offered = request.getHeader(HEADER);
        return offered != null && WELL_FORMED.matcher(offered).matches() ? offered : fresh();
    }

    /** The request's id; null only outside the router (never for a routed request). */
    public static String of(RoutingContext ctx) {
        return ctx.get(KEY);
    }

    /** 64 random bits: enough to tell requests apart in logs; not a secret, so no SecureRandom contention. */
    private static String fresh() {
        String hex = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "0".repeat(16 - hex.length()) + hex;
    }
}
