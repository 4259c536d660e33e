package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler of the router: every error leaves as RFC 9457 problem+json with a stable code. */
public final class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** Every failure and every unmatched request of {@code router} answered as a problem, on any port. */
    static void answerAll(Router router) {
        router.route().failureHandler(Problems::handle);
        router.errorHandler(404, Problems::handle);
        router.errorHandler(405, Problems::handle);
        router.errorHandler(500, Problems::handle);
    }

    public static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof HttpClosedException) {
            // The client went away, or the request deadline cut a slow one off: nobody to answer, nothing broke.
            LOG.debug("connection closed during {} {}", ctx.request().method(), ctx.normalizedPath());
            return;
        }
        if (failure instanceof StrictRequestDecoder.BadFraming bad) {
            // Anyone can send a broken chunk: a client's mistake, not ours, and not worth an alert. Vert.x closes
            // the connection at once, so this answer is only sent when the response is still writable.
            LOG.atDebug().addKeyValue("requestId", RequestIds.of(ctx)).log("refused {} {}: {}", ctx.request().method(),
                ctx.normalizedPath(), bad.getMessage());
            send(ctx, ErrorCode.INVALID_REQUEST, bad.getMessage(), null);
            return;
        }
        if (failure instanceof RainException rain) {
            send(ctx, rain.code(), rain.detail(), rain instanceof FieldException field ? field.field() : null);
            return;
        }
        int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
        switch (status) {
            case 400 -> send(ctx, ErrorCode.INVALID_REQUEST, "the request could not be read", null);
            case 401 -> send(ctx, ErrorCode.UNAUTHORIZED, "a valid bearer token is required", null);
            case 403 -> send(ctx, ErrorCode.FORBIDDEN, "not allowed", null);
            case 404 -> send(ctx, ErrorCode.NOT_FOUND, "no such resource", null);
            case 405 -> send(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed here", null);
            case 413 -> send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than 16 KiB", null);
            case 415 -> send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json", null);
            default -> {
                LOG.atError().addKeyValue("requestId", RequestIds.of(ctx)).setCause(failure)
                    .log("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath());
                send(ctx, ErrorCode.INTERNAL, "something went wrong on our side; nothing was changed twice", null);
            }
        }
    }

    public static void send(RoutingContext ctx, ErrorCode code, String detail, String field) {
        send(ctx.response(), code, detail, field, RequestIds.of(ctx));
    }

    /** As {@link #send(RoutingContext, ErrorCode, String, String)}, for a response outside the router. */
    static void send(HttpServerResponse response, ErrorCode code, String detail, String field, String requestId) {
        if (response.ended() || response.headWritten()) {
            return;
        }
        // The request id is an extension member (RFC 9457 section 3.2): what to quote to support to find this
        // request's log lines.
        Buffer body = ProblemBody.encode(code, detail, field, requestId);
        if (code == ErrorCode.RATE_LIMITED && !response.headers().contains("Retry-After")) {
            response.putHeader("Retry-After", "1");
        }
        response
            .setStatusCode(code.status())
            .putHeader("Content-Type", "application/problem+json")
            .end(body);
    }
}
