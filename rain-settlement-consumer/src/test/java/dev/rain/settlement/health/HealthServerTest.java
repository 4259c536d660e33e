package dev.rain.settlement.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private final AtomicBoolean live = new AtomicBoolean(true);
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newHttpClient();
    private HealthServer server;

    @BeforeEach
    void start() {
        server = HealthServer.start(0, live::get, ready::get, () -> "# TYPE x counter\nx 1\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("liveness answers 200 while the loop lives and 503 once it is gone")
    void liveness() throws Exception {
        assertEquals(200, get("/health/live").statusCode());
        live.set(false);
        assertEquals(503, get("/health/live").statusCode());
    }

    @Test
    @DisplayName("readiness answers 503 when its check fails")
    void readiness() throws Exception {
        assertEquals(200, get("/health/ready").statusCode());
        ready.set(false);
        assertEquals(503, get("/health/ready").statusCode());
    }

    @Test
    @DisplayName("a readiness check that throws counts as not ready")
    void throwingCheck() throws Exception {
        server.close();
        server = HealthServer.start(0, live::get, () -> {
            throw new IllegalStateException("pool closed");
        }, () -> "");
        assertEquals(503, get("/health/ready").statusCode());
    }

    @Test
    @DisplayName("metrics are served as Prometheus text")
    void metrics() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertEquals("# TYPE x counter\nx 1\n", response.body());
    }

    @Test
    @DisplayName("paths under the endpoints and other methods are refused")
    void refused() throws Exception {
        assertEquals(404, get("/health/live/extra").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }
}
