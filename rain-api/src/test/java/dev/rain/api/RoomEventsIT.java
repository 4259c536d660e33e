package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The room's live channel across two API instances sharing one Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoomEventsIT {

    private ApiHarness system;
    private Vertx secondVertx;
    private RainApi second;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("rooms");
        secondVertx = Vertx.vertx();
        second = RainApi.start(secondVertx, system.config(ApiHarness.freePort(), "it-rooms-2")).await(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (second != null) {
            second.stop().await(30, TimeUnit.SECONDS);
            secondVertx.close().await(10, TimeUnit.SECONDS);
        }
        if (system != null) {
            system.close();
        }
    }

    /** A viewer's socket that keeps every text frame it receives, reading as fast as they come. */
    static final class Viewer implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final boolean reads;

        Viewer(boolean reads) {
            this.reads = reads;
        }

        @Override
        public void onOpen(WebSocket socket) {
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            if (reads) {
                socket.request(1);
            }
            return null;
        }

        long starts(String code) {
            return messages.stream().filter(m -> m.contains("\"RAIN_START\"") && m.contains(code)).count();
        }
    }

    private WebSocket connect(int port, String room, String token, Viewer viewer, boolean tokenInQuery) throws Exception {
        String uri = "ws://127.0.0.1:" + port + "/v1/rooms/" + room + "/events" + (tokenInQuery ? "?access_token=" + token : "");
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (!tokenInQuery) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.buildAsync(URI.create(uri), viewer).get(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("viewers on both instances hear the start exactly once; a late joiner hears it with the time left")
    void startReachesEveryInstanceOnceAndLateJoiners() throws Exception {
        system.deposit("rooms-anchor", 100_000);
        String anchor = system.token("rooms-anchor", "anchor");
        ApiClient.Answer created = system.client.post("/v1/rains", anchor, new JsonObject().put("roomId", "room-live")
            .put("totalAmount", 10_000).put("totalCount", 100).put("countdownSeconds", 5).put("durationSeconds", 60));
        String code = created.body().getString("configCode");
        assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", anchor, null).status());

        Viewer onFirst = new Viewer(true);
        Viewer onSecond = new Viewer(true);
        Viewer elsewhere = new Viewer(true);
        String viewerToken = system.token("rooms-viewer", "viewer");
        connect(system.api().config().httpPort(), "room-live", viewerToken, onFirst, false);
        connect(second.config().httpPort(), "room-live", viewerToken, onSecond, true);
        connect(second.config().httpPort(), "room-other", viewerToken, elsewhere, false);
        awaitConnections(system.api(), 1);
        awaitConnections(second, 2);

        // The anchor's start reaches the first instance only; the second hears it through Redis.
        assertEquals(200, system.client.post("/v1/rains/" + code + "/start", anchor, null).status());
        awaitMessages(onFirst, 1);
        awaitMessages(onSecond, 1);
        Thread.sleep(300);
        assertEquals(1, onFirst.starts(code), onFirst.messages.toString());
        assertEquals(1, onSecond.starts(code), onSecond.messages.toString());
        assertEquals(0, elsewhere.messages.size(), "another room hears nothing");
        JsonObject event = new JsonObject(onSecond.messages.get(0));
        assertEquals("RAIN_START", event.getString("type"));
        assertEquals(100, event.getInteger("totalCount"));
        assertEquals(10_000L, event.getLong("totalAmount"));

        Thread.sleep(1_200);
        Viewer late = new Viewer(true);
        connect(second.config().httpPort(), "room-live", viewerToken, late, false);
        awaitMessages(late, 1);
        Thread.sleep(300);
        assertEquals(1, late.starts(code), late.messages.toString());
        JsonObject caughtUp = new JsonObject(late.messages.get(0));
        assertTrue(caughtUp.getInteger("countdownSeconds") < 5, "the late joiner hears the time really left: " + caughtUp);
        assertEquals(event.getString("startsAt"), caughtUp.getString("startsAt"));
    }

    @Test
    @DisplayName("a stalled client is dropped while the others in its room are served")
    void stalledClientIsDroppedOthersServed() throws Exception {
        String token = system.token("rooms-viewer-2", "viewer");
        // The other test's viewers may still be connected here: count from what is there already. The 101
        // reaches a client before its socket joins the hub, so wait for both joins before counting.
        int existing = second.roomHub().connections();
        Viewer healthy = new Viewer(true);
        connect(second.config().httpPort(), "room-busy", token, healthy, false);
        try (Socket stalled = stalledViewer(second.config().httpPort(), "room-busy", token)) {
            awaitConnections(second, existing + 2);
            int before = second.roomHub().connections();

            // ~8 MB: more than the stalled socket's kernel buffers and the server's write queue can hold.
            String event = "{\"type\":\"NOISE\",\"pad\":\"" + "x".repeat(2_000) + "\"}";
            // Paced like a busy room (about 4 MB/s), not a flood: a client that reads keeps up.
            for (int i = 0; i < 4_000; i++) {
                system.redis().send(Request.cmd(Command.PUBLISH).arg(RainKeys.roomChannel("room-busy")).arg(event))
                    .await(10, TimeUnit.SECONDS);
                if (i % 20 == 19) {
                    Thread.sleep(10);
                }
            }
            awaitMessages(healthy, 4_000);
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline && second.roomHub().connections() > before - 1) {
                Thread.sleep(50);
            }
            assertEquals(before - 1, second.roomHub().connections(), "the stalled client was dropped");
            assertEquals(1L, second.roomHub().droppedCount(), "only the stalled client was dropped");
            assertEquals(4_000, healthy.messages.size(), "the reading client got every event");
        }
    }

    /** A client that completes the WebSocket handshake, then never reads again, with a tiny receive buffer. */
    private static Socket stalledViewer(int port, String room, String token) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4_096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        String handshake = "GET /v1/rooms/" + room + "/events?access_token=" + token + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(handshake.getBytes(StandardCharsets.US_ASCII));
        String head = RawHttp.readAnswerText(socket.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        return socket;
    }

    private static void awaitConnections(RainApi api, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && api.roomHub().connections() < n) {
            Thread.sleep(20);
        }
        assertTrue(api.roomHub().connections() >= n, "connections: " + api.roomHub().connections());
    }

    private static void awaitMessages(Viewer viewer, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && viewer.messages.size() < n) {
            Thread.sleep(20);
        }
        assertTrue(viewer.messages.size() >= n, "messages: " + viewer.messages.size());
    }
}
