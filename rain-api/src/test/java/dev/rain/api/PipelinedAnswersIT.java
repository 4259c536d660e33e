package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP/1.1 pipelining: a client (or a proxy) that sends several requests on one connection without waiting gets
 * every answer, in order, each byte for byte what it gets when it sends that request alone: problems, a large
 * document, an answer that waits for Postgres. Each request names itself in {@code X-Request-Id}, so its answer is
 * the same both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinedAnswersIT {

    private ApiHarness system;
    private int port;
    private List<String> requests;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("pipelined");
        port = system.api().config().httpPort();
        String viewer = system.token("pipelined-viewer", "viewer");
        String grab = "{\"roomId\":\"room-1\"}";
        requests = List.of(
            // A problem of more than Netty's 128 bytes, so headers and body leave as two buffers.
            post("/v1/rains/no-such-rain-code/grab", viewer, grab, "pipe-1"),
            get("/health/live", null, "pipe-2"),
            // A large answer between small ones.
            get("/openapi.yaml", null, "pipe-3"),
            post("/v1/rains/no-such-rain-code/grab", null, grab, "pipe-4"),
            get("/v1/wallets/me", viewer, "pipe-5"),
            get("/no-such-page", null, "pipe-6"));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("requests sent at once are answered in order, each byte for byte as when sent alone")
    void pipelinedAnswersMatchSingleOnes() throws Exception {
        List<byte[]> alone = new ArrayList<>();
        for (String request : requests) {
            alone.add(exchange(List.of(request)).get(0));
        }

        List<byte[]> together = exchange(requests);

        assertEquals(requests.size(), together.size());
        for (int i = 0; i < requests.size(); i++) {
            assertArrayEquals(alone.get(i), together.get(i), "answer " + (i + 1) + ": "
                + new String(together.get(i), StandardCharsets.UTF_8));
        }
        String first = new String(together.get(0), StandardCharsets.UTF_8);
        assertTrue(first.startsWith("HTTP/1.1 404") && first.contains("\"code\":\"RAIN_NOT_FOUND\""), first);
        assertTrue(together.get(2).length > 4_096, "the OpenAPI document is a large answer");
    }

    /** Writes the requests in one go on a new connection and reads one whole answer for each. */
    private List<byte[]> exchange(List<String> batch) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(String.join("", batch).getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            List<byte[]> answers = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                byte[] answer = RawHttp.readAnswer(in);
                String text = new String(answer, StandardCharsets.UTF_8);
                assertNotNull(RawHttp.header(text, "content-length"), "every answer here has a Content-Length: " + text);
                answers.add(answer);
            }
            return answers;
        }
    }

    private static String get(String path, String token, String requestId) {
        return "GET " + path + " HTTP/1.1\r\nHost: rain\r\n" + auth(token) + "X-Request-Id: " + requestId + "\r\n\r\n";
    }

    private static String post(String path, String token, String body, String requestId) {
        return "POST " + path + " HTTP/1.1\r\nHost: rain\r\n" + auth(token) + "X-Request-Id: " + requestId
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n" + body;
    }

    private static String auth(String token) {
        return token == null ? "" : "Authorization: Bearer " + token + "\r\n";
    }
}
