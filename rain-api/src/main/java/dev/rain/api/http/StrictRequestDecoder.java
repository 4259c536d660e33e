package dev.rain.api.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;

/**
 * Vert.x's HTTP/1.1 request decoder, refusing framing that two parsers could read two ways (RFC 9112 sections
 * 6.1 and 6.3): a Transfer-Encoding other than exactly {@code chunked}, or one beside a Content-Length. Netty
 * would drop the Content-Length and read chunks, or ignore a coding it does not know and read none; a proxy in
 * front may have read the other way, and the bytes left over are a request smuggled past it.
 *
 * <p>A refused message fails the decoder (Netty then discards the rest of the connection's bytes), and Vert.x
 * hands it to the server's invalid-request handler ({@link InvalidRequests}), which answers and closes. Netty
 * itself already refuses differing Content-Length values the same way.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    /** Vert.x's name for the decoder in a connection's pipeline. */
    private static final String NAME = "httpDecoder";

    private StrictRequestDecoder(HttpServerOptions options) {
        super(options);
    }

    /**
     * Puts the strict decoder in the place of Vert.x's own. Called from the server's connection handler, which
     * Vert.x runs while it sets the pipeline up, before the first byte of the connection is read.
     */
    static void install(HttpConnection connection, HttpServerOptions options) {
        ((ConnectionBase) connection).channel().pipeline().replace(NAME, NAME, new StrictRequestDecoder(options));
    }

    /**
     * The one hook Netty calls with every request's complete headers before it decides how to read the body,
     * and inside the try whose failure makes an invalid message: refusing here refuses the request.
     */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        List<String> codings = message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty()) {
            if (codings.size() != 1 || !"chunked".equalsIgnoreCase(codings.get(0).trim())) {
                throw new BadFraming("the only transfer coding accepted is a single 'chunked'");
            }
            if (message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                throw new BadFraming("a request must not carry both Transfer-Encoding and Content-Length");
            }
            if (message.protocolVersion() != HttpVersion.HTTP_1_1) {
                throw new BadFraming("Transfer-Encoding needs HTTP/1.1");
            }
        }
        return super.isContentAlwaysEmpty(message);
    }

    /** A malformed chunk fails as {@link BadFraming}, so the router can tell it from a failure of ours. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int from = out.size();
        super.decode(ctx, buffer, out);
        for (int i = from; i < out.size(); i++) {
            // A refused request is a FullHttpRequest, an HttpContent too: only a chunk that follows a request is.
            if (out.get(i) instanceof HttpContent content && !(content instanceof HttpMessage)
                && content.decoderResult().isFailure() && !(content.decoderResult().cause() instanceof BadFraming)) {
                content.setDecoderResult(DecoderResult.failure(
                    new BadFraming("the chunked body is malformed", content.decoderResult().cause())));
            }
        }
    }

    /** The client's bytes do not frame one request unambiguously; the message is the problem's detail. */
    static final class BadFraming extends RuntimeException {

        BadFraming(String detail) {
            super(detail, null, false, false);
        }

        BadFraming(String detail, Throwable cause) {
            super(detail, cause, false, false);
        }
    }
}
