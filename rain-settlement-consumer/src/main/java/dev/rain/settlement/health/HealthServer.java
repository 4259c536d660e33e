package dev.rain.settlement.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Liveness, readiness and Prometheus metrics on a small JDK HTTP server, apart from the settlement loop. */
public final class HealthServer implements AutoCloseable {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private HealthServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param live    whether the process is worth keeping (the loop thread is alive)
     * @param ready   whether it is doing its job (checked on each request, off the loop thread)
     * @param metrics the Prometheus text exposition of the counters
     */
    public static HealthServer start(int port, BooleanSupplier live, BooleanSupplier ready, Supplier<String> metrics) {
        HttpServer server;
        try {
            // All interfaces: the kubelet probes the pod IP.
            server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for health checks on port " + port, e);
        }
        // One named thread: a readiness check waiting on the database must not pile up threads.
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rain-settlement-health");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/health/live", exchange -> probe(exchange, live));
        server.createContext("/health/ready", exchange -> probe(exchange, ready));
        server.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                respond(exchange, 200, PROMETHEUS, metrics.get());
            }
        });
        server.start();
        return new HealthServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void probe(HttpExchange exchange, BooleanSupplier check) throws IOException {
        if (!allowed(exchange)) {
            return;
        }
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
        }
        respond(exchange, ok ? 200 : 503, TEXT, ok ? "UP\n" : "DOWN\n");
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        boolean exact = exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath());
        if (!exact) {
            respond(exchange, 404, TEXT, "not found\n");
            return false;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            respond(exchange, 405, TEXT, "method not allowed\n");
            return false;
        }
        return true;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
        throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
