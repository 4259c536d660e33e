package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The caps on open connections and room WebSockets, on an instance with small ones that trusts 127.0.0.1
 * as its proxy. Clients connect from addresses of their own in 127.0.0.0/8, or through the "proxy" with an
 * X-Forwarded-For of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionCapsIT {

    private static final int CONNECTIONS = 3;
    private static final int SOCKETS_PER_ADDRESS = 2;
    /** Long enough for a close to reach the server and free its slot on a loaded machine. */
    private static final long FREED_WITHIN_MS = 10_000;

    private ApiHarness system;
    private int port;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("caps");
        port = system.startInstance("it-caps", Map.of(
            "RAIN_MAX_CONNECTIONS_PER_ADDRESS", Integer.toString(CONNECTIONS),
            "RAIN_MAX_WEBSOCKETS_PER_ADDRESS", Integer.toString(SOCKETS_PER_ADDRESS),
            "RAIN_MAX_WEBSOCKETS_PER_USER", "1",
            "RAIN_TRUSTED_PROXIES", "127.0.0.1")).config().httpPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("an address's connection over its cap is closed at accept, another address is served, and a close frees the slot")
    void connectionsOverTheCapAreClosed() throws Exception {
        String address = randomLoopback();
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            held.add(connect(address));
        }
        // The server counts a connection when its event loop accepts it, a moment after connect() returns.
        Thread.sleep(300);
        try (Socket over = connect(address)) {
            assertEquals(null, answerTo(over), "the connection over the cap was answered");
        }
        try (Socket other = connect(randomLoopback())) {
            assertTrue(answerTo(other).startsWith("HTTP/1.1 200"), "another address is not capped");
        }
        held.remove(0).close();
        assertTrue(servedWithin(address), "closing a connection did not free its slot");
        for (Socket socket : held) {
            socket.close();
        }
    }

    @Test
    @DisplayName("a trusted proxy's connections are not capped: every client behind it shares its address")
    void trustedProxyIsNotCapped() throws Exception {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS + 2; i++) {
            held.add(connect("127.0.0.1"));
        }
        Thread.sleep(300);
        for (Socket socket : held) {
            try (socket) {
                String answer = answerTo(socket);
                assertTrue(answer != null && answer.startsWith("HTTP/1.1 200"), "proxy connection: " + answer);
            }
        }
    }

    @Test
    @DisplayName("an address's WebSocket over its cap is refused 429 TOO_MANY_CONNECTIONS before the upgrade; a close frees the slot")
    void webSocketsPerAddressAreCapped() throws Exception {
        String address = randomLoopback();
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < SOCKETS_PER_ADDRESS; i++) {
            open.add(upgraded(address, "caps-viewer-" + i, null));
        }
        try (Socket over = connect(address)) {
            assertTooManyConnections(upgrade(over, "caps-viewer-x", null), "from your address");
        }
        open.remove(0).close();
        assertTrue(upgradesWithin(address, "caps-viewer-y", null), "closing a WebSocket did not free its slot");
        for (Socket socket : open) {
            socket.close();
        }
    }

    @Test
    @DisplayName("behind the trusted proxy WebSockets are capped per client it names, and per user wherever they connect from")
    void webSocketsPerUserAreCapped() throws Exception {
        String user = "caps-user-" + ThreadLocalRandom.current().nextInt(1_000_000);
        // Three clients behind one proxy, each under its own address's cap although they share the proxy's.
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < SOCKETS_PER_ADDRESS + 1; i++) {
            open.add(upgraded("127.0.0.1", i == 0 ? user : user + "-other-" + i, "203.0.113." + (10 + i)));
        }
        try (Socket again = connect("127.0.0.1")) {
            assertTooManyConnections(upgrade(again, user, "198.51.100.7"), "for your account");
        }
        open.remove(0).close();
        assertTrue(upgradesWithin("127.0.0.1", user, "198.51.100.7"), "closing the user's WebSocket did not free it");
        for (Socket socket : open) {
            socket.close();
        }
    }

    private static void assertTooManyConnections(String answer, String detail) {
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertEquals("application/problem+json", RawHttp.header(answer, "content-type"));
        assertNotNull(RawHttp.header(answer, "x-request-id"), answer);
        JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertEquals("TOO_MANY_CONNECTIONS", problem.getString("code"));
        assertTrue(problem.getString("detail").contains(detail), problem.encode());
    }

    /** A WebSocket of {@code userId} from {@code source}, open; asserted to be upgraded. */
    private Socket upgraded(String source, String userId, String forwardedFor) throws IOException {
        Socket socket = connect(source);
        String answer = upgrade(socket, userId, forwardedFor);
        assertTrue(answer.startsWith("HTTP/1.1 101"), answer);
        return socket;
    }

    private boolean upgradesWithin(String source, String userId, String forwardedFor) throws Exception {
        long deadline = System.currentTimeMillis() + FREED_WITHIN_MS;
        while (System.currentTimeMillis() < deadline) {
            try (Socket socket = connect(source)) {
                if (upgrade(socket, userId, forwardedFor).startsWith("HTTP/1.1 101")) {
                    return true;
                }
            } catch (IOException closedAtAccept) {
                // The closed connection's own slot may not be free yet either: try again.
            }
            Thread.sleep(50);
        }
        return false;
    }

    private boolean servedWithin(String source) throws Exception {
        long deadline = System.currentTimeMillis() + FREED_WITHIN_MS;
        while (System.currentTimeMillis() < deadline) {
            try (Socket socket = connect(source)) {
                String answer = answerTo(socket);
                if (answer != null && answer.startsWith("HTTP/1.1 200")) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The answer's text to the WebSocket handshake of the room events route. */
    private String upgrade(Socket socket, String userId, String forwardedFor) throws IOException {
        String handshake = "GET /v1/rooms/room-caps/events?access_token=" + system.token(userId, "viewer")
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n") + "\r\n";
        socket.getOutputStream().write(handshake.getBytes(StandardCharsets.US_ASCII));
        return RawHttp.readAnswerText(socket.getInputStream());
    }

    /** The answer to a liveness probe on the connection, or null when the server closed it instead. */
    private static String answerTo(Socket socket) {
        try {
            socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            return RawHttp.readAnswerText(socket.getInputStream());
        } catch (IOException closed) {
            return null;
        }
    }

    private Socket connect(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(2, 255);
    }
}
