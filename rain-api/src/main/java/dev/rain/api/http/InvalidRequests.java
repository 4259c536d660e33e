package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's answer to a request its parser refused, before any route: a request line or headers over the
 * limit, or framing {@link StrictRequestDecoder} or Netty would not guess at. The same problem+json and request
 * id as every other error; then Vert.x closes the connection, since where the next request starts is unknown.
 */
final class InvalidRequests {

    private static final Logger LOG = LoggerFactory.getLogger(InvalidRequests.class);

    private InvalidRequests() {
    }

    static void answer(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        ErrorCode code;
        String detail;
        // The server keeps Vert.x's default limits, which the details quote.
        if (cause instanceof TooLongHttpLineException) {
            code = ErrorCode.URI_TOO_LONG;
            detail = "the request line is longer than " + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes";
        } else if (cause instanceof TooLongHttpHeaderException) {
            code = ErrorCode.HEADERS_TOO_LARGE;
            detail = "the headers are larger than " + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes";
        } else if (cause instanceof StrictRequestDecoder.BadFraming bad) {
            code = ErrorCode.INVALID_REQUEST;
            detail = bad.getMessage();
        } else {
            // Netty's own refusals (two Content-Length values, a malformed line): its text is not the product's.
            code = ErrorCode.INVALID_REQUEST;
            detail = "the request is not well-formed HTTP/1.1";
        }
        String requestId = RequestIds.idFor(request);
        // Anonymous and free to send: DEBUG, so nobody can fill the logs or page anyone with them.
        LOG.atDebug().addKeyValue("requestId", requestId).log("refused before routing: {} ({})", code, cause == null ? null : cause.toString());
        request.response().putHeader(RequestIds.HEADER, requestId).putHeader("Connection", "close");
        Problems.send(request.response(), code, detail, null, requestId);
    }
}
