package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Idle and slow connections are closed after the configured timeouts. Two instances with short ones: one
 * where only the idle timeout is short, one where only the request deadline is. Bounds are generous
 * upwards (the machine is noisy) and tight downwards (a connection closed early would be a bug too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsIT {

    private static final long IDLE_MS = 1_000;
    private static final long DEADLINE_MS = 2_000;
    /** Far above either timeout: a connection still open this long was not cut off by them. */
    private static final long GIVE_UP_MS = 20_000;

    private ApiHarness system;
    private int idlePort;
    private int deadlinePort;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("slow");
        idlePort = system.startInstance("it-slow-idle", Map.of("RAIN_HTTP_IDLE_TIMEOUT_SECONDS", "1",
            "RAIN_HTTP_REQUEST_TIMEOUT_SECONDS", "60")).config().httpPort();
        // The idle timeout far above the trickle's pace: only the request deadline can close these.
        deadlinePort = system.startInstance("it-slow-deadline", Map.of("RAIN_HTTP_IDLE_TIMEOUT_SECONDS", "30",
            "RAIN_HTTP_REQUEST_TIMEOUT_SECONDS", "2")).config().httpPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("a connection that sends nothing is closed after the configured idle timeout")
    void idleConnectionIsClosed() throws Exception {
        try (Socket socket = connect(idlePort)) {
            long started = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "no answer, only the close");
            long elapsed = millisSince(started);
            assertTrue(elapsed >= IDLE_MS - 100 && elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @Test
    @DisplayName("a slow-loris client trickling its headers faster than the idle timeout is closed at the request deadline")
    void tricklingHeadersAreCutOff() throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/wallets/me HTTP/1.1\r\nHost: rain\r\n".getBytes(StandardCharsets.US_ASCII));
            long elapsed = trickleUntilClosed(socket, "X-Slow: " + "a".repeat(1_000));
            assertTrue(elapsed >= DEADLINE_MS - 100 && elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @Test
    @DisplayName("a client trickling a body it announced is closed at the request deadline")
    void tricklingBodyIsCutOff() throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            socket.getOutputStream().write(("POST /v1/rains HTTP/1.1\r\nHost: rain\r\nContent-Type: application/json\r\n"
                + "Content-Length: 5000\r\n\r\n{\"roomId\": \"").getBytes(StandardCharsets.US_ASCII));
            long elapsed = trickleUntilClosed(socket, "r".repeat(4_000));
            assertTrue(elapsed >= DEADLINE_MS - 100 && elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/v1/rains/x/grab", "/health/live", "/v1/rooms/room-slow/events"})
    @DisplayName("a trickled POST claiming a WebSocket upgrade is still closed at the request deadline")
    void upgradeHeaderDoesNotEscapeTheDeadline(String path) throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: rain\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            long elapsed = trickleUntilClosed(socket, "r".repeat(4_000));
            assertTrue(elapsed >= DEADLINE_MS - 100 && elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @Test
    @DisplayName("on a kept-alive connection, the next request must arrive in time too")
    void tricklingTheSecondRequestIsCutOff() throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: rain\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = RawHttp.readAnswerText(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            long elapsed = trickleUntilClosed(socket, "GET /health/live HTTP/1.1\r\nHost: rain\r\nX-Slow: " + "a".repeat(1_000));
            assertTrue(elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @Test
    @DisplayName("a refused WebSocket upgrade stays HTTP: the next request on it must arrive in time too")
    void refusedUpgradeGetsADeadline() throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            socket.getOutputStream().write(("GET /v1/rooms/room-slow/events HTTP/1.1\r\nHost: rain\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            String head = RawHttp.readAnswerText(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 401"), head);
            long elapsed = trickleUntilClosed(socket, "GET /health/live HTTP/1.1\r\nHost: rain\r\nX-Slow: " + "a".repeat(1_000));
            assertTrue(elapsed < GIVE_UP_MS, "closed after " + elapsed + " ms");
        }
    }

    @Test
    @DisplayName("a request sent at once is answered, and a kept-alive connection serves several in a row")
    void promptClientsAreServed() throws Exception {
        try (Socket socket = connect(deadlinePort)) {
            for (int i = 0; i < 3; i++) {
                socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: rain\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String head = RawHttp.readAnswerText(socket.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                // Well inside the deadline, which starts again after each answer.
                Thread.sleep(DEADLINE_MS / 4);
            }
        }
    }

    @Test
    @DisplayName("a room WebSocket outlives the request deadline: it left HTTP behind")
    void webSocketIsNotCutByTheDeadline() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
            .header("Authorization", "Bearer " + system.token("slow-viewer", "viewer"))
            .buildAsync(URI.create("ws://127.0.0.1:" + deadlinePort + "/v1/rooms/room-slow/events"), new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    closed.complete("closed " + status);
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    closed.complete("error " + error);
                }
            }).get(10, TimeUnit.SECONDS);
        Thread.sleep(DEADLINE_MS * 2);
        assertFalse(closed.isDone(), () -> "the WebSocket was " + closed.join());
        assertFalse(socket.isInputClosed());
        socket.abort();
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) GIVE_UP_MS);
        return socket;
    }

    /**
     * Sends {@code text} a byte every 200 ms (five times faster than any idle timeout here) until the server
     * closes the connection; returns how long that took from the first byte.
     */
    private static long trickleUntilClosed(Socket socket, String text) throws Exception {
        long started = System.nanoTime();
        CompletableFuture<Long> closedAt = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                while (socket.getInputStream().read() != -1) {
                    // a 408 or anything else the server says before closing: keep reading to the end
                }
            } catch (SocketTimeoutException e) {
                closedAt.completeExceptionally(e);
                return;
            } catch (IOException e) {
                // reset by the server: closed too
            }
            closedAt.complete(millisSince(started));
        }, "slow-client-reader");
        reader.start();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < bytes.length && !closedAt.isDone() && millisSince(started) < GIVE_UP_MS; i++) {
                socket.getOutputStream().write(bytes[i]);
                socket.getOutputStream().flush();
                Thread.sleep(200);
            }
        } catch (IOException e) {
            // the server closed while we were writing: the reader sees it too
        }
        return closedAt.get(GIVE_UP_MS + 5_000, TimeUnit.MILLISECONDS);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
