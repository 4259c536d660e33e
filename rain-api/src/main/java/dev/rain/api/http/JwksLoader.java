package dev.rain.api.http;

import dev.rain.api.config.JwksDocument;
import dev.rain.api.config.JwksSource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Reads a JWK Set from its file or URL without blocking an event loop: Vert.x's file system (which runs the
 * read on its worker pool) or its HTTP client, with timeouts and a size bound, as the key set's host is
 * outside our control.
 */
final class JwksLoader {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

    private final Vertx vertx;
    private final JwksSource source;
    private final HttpClient http;

    JwksLoader(Vertx vertx, JwksSource source) {
        this.vertx = vertx;
        this.source = source;
        this.http = source.url() == null ? null
            : vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS).setVerifyHost(true));
    }

    /** The RS256 keys by kid, or a failure saying why none could be had. */
    Future<Map<String, JsonObject>> load() {
        Future<Buffer> text = source.file() != null ? vertx.fileSystem().readFile(source.file().toString()) : fetch();
        return text.map(body -> {
            if (body.length() > JwksDocument.MAX_BYTES) {
                throw new IllegalArgumentException("the JWK Set is larger than " + JwksDocument.MAX_BYTES + " bytes");
            }
            return JwksDocument.rs256Keys(body.toString());
        });
    }

    private Future<Buffer> fetch() {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(source.url().toString())
                .setTimeout(REQUEST_TIMEOUT_MILLIS).putHeader("Accept", "application/jwk-set+json, application/json"))
            .compose(request -> request.send())
            .compose(this::boundedBody);
    }

    /** The body of a 200, refused past {@link JwksDocument#MAX_BYTES} instead of buffered whole. */
    private Future<Buffer> boundedBody(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            return Future.failedFuture("the JWK Set URL answered " + response.statusCode());
        }
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (received.length() + chunk.length() > JwksDocument.MAX_BYTES) {
                body.tryFail("the JWK Set is larger than " + JwksDocument.MAX_BYTES + " bytes");
                response.request().reset();
            } else {
                received.appendBuffer(chunk);
            }
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(end -> body.tryComplete(received));
        return body.future();
    }
}
