package dev.rain.api;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A blocking HTTP client of the API for tests: one call, one answer with its status and JSON body. */
public final class ApiClient {

    public record Answer(int status, String contentType, JsonObject body, String raw, HttpHeaders headers) {
        public String code() {
            return body == null ? null : body.getString("code");
        }
    }

    private final HttpClient http;
    private final String base;

    public ApiClient(int port) {
        this(port, HttpClient.Version.HTTP_2);
    }

    /**
     * HTTP/1.1 for tests that stop a server under load: the JDK 17 client fails every stream of a
     * connection on an HTTP/2 GOAWAY, even the ones the server goes on to answer.
     */
    public ApiClient(int port, HttpClient.Version version) {
        this.http = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "http://127.0.0.1:" + port;
    }

    public Answer get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Answer post(String path, String token, Object body) {
        HttpRequest.Builder builder = request(path, token);
        if (body == null) {
            builder.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return send(builder);
    }

    /** A PUT without a body. */
    public Answer put(String path, String token) {
        return send(request(path, token).PUT(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonObject json = raw.startsWith("{") ? new JsonObject(raw) : null;
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), json, raw, response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }
}
