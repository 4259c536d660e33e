package dev.rain.api.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One log line per request when it ends, with its request id, rain code and caller as key-value pairs.
 * Changes of state (deposits, create, prepare, start, close) are INFO; server errors WARN; grabs and
 * reads DEBUG, since a rain answers thousands a second and its counters are in /metrics.
 */
final class RequestLog {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);

    private RequestLog() {
    }

    /** Second handler of the router, after {@link RequestIds#assign}. */
    static void onEnd(RoutingContext ctx) {
        long started = System.nanoTime();
        ctx.addEndHandler(ended -> log(ctx, ended.succeeded(), (System.nanoTime() - started) / 1_000_000));
        ctx.next();
    }

    private static void log(RoutingContext ctx, boolean answered, long millis) {
        int status = ctx.response().getStatusCode();
        if (!answered) {
            // The connection closed first (the client left, the deadline, a malformed body): the status the
            // response was left with, 200 by default, was never sent, so the line must not claim it.
            LOG.atDebug().addKeyValue("requestId", RequestIds.of(ctx)).log("{} {} closed before an answer in {} ms",
                ctx.request().method(), ctx.normalizedPath(), millis);
            return;
        }
        Level level = level(ctx.request().method(), ctx.normalizedPath(), status);
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        String rain = ctx.pathParam("code");
        Caller caller = ctx.get(Authenticator.CALLER);
        var line = LOG.atLevel(level).addKeyValue("requestId", RequestIds.of(ctx));
        if (rain != null) {
            line = line.addKeyValue("rain", rain);
        }
        if (caller != null) {
            line = line.addKeyValue("user", caller.userId());
        }
        line.log("{} {} {} in {} ms", ctx.request().method(), ctx.normalizedPath(), status, millis);
    }

    static Level level(HttpMethod method, String path, int status) {
        if (status >= 500) {
            return Level.WARN;
        }
        boolean changesState = method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.OPTIONS;
        boolean grab = path != null && path.endsWith("/grab");
        return changesState && !grab ? Level.INFO : Level.DEBUG;
    }
}
