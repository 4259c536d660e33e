package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rain.settlement.health.HealthServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** The HTTP paths the two services really serve, for probes and health checks to point at. */
final class ServedPaths {

    private ServedPaths() {
    }

    /** The API's paths from its OpenAPI document (rain-api keeps the document and the router in step). */
    static Set<String> api() {
        try (InputStream in = ServedPaths.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("rain-api's openapi.yaml is not on the classpath");
            }
            JsonNode document = Manifests.YAML.readTree(in);
            Set<String> paths = new HashSet<>();
            document.path("paths").fieldNames().forEachRemaining(paths::add);
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks the consumer's real health server (healthy) for the path: the status it answers. */
    static int consumerStatus(String path) {
        try (HealthServer server = HealthServer.start(0, () -> true, () -> true, () -> "")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
