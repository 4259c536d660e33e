package dev.rain.bench.audit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The API as the rain's anchor sees it: close a rain, read its detail and its reconciliation. */
final class RainApi {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String anchorToken;

    RainApi(String base, String anchorToken) {
        this.base = base;
        this.anchorToken = anchorToken;
    }

    /** Closes the rain; one already closed or finished answers with a problem, which is as good. */
    void close(String code) {
        send(request("/v1/rains/" + code + "/close", Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The answer's body whatever its status (a problem is evidence too); empty when there was no answer. */
    String get(String path) {
        return send(request(path, Duration.ofSeconds(30)).GET());
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
            .header("Authorization", "Bearer " + anchorToken);
    }

    private String send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
