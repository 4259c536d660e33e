package dev.rain.api.ratelimit;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP/1.1 from a chosen loopback source address (all of 127.0.0.0/8 is this host on Linux), so a
 * test is a client of its own, with a bucket no other test shares.
 */
final class PeerClient {

    record Answer(int status, Map<String, String> headers, String body) {
        JsonObject json() {
            return body.startsWith("{") ? new JsonObject(body) : null;
        }

        String code() {
            JsonObject json = json();
            return json == null ? null : json.getString("code");
        }
    }

    private final String source;
    private final int port;

    PeerClient(String source, int port) {
        this.source = source;
        this.port = port;
    }

    /** A fresh random address in 127.0.0.0/8, never 127.0.0.1. */
    static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(2, 255);
    }

    String source() {
        return source;
    }

    Answer send(String method, String path, String token, String body, Map<String, String> extraHeaders)
        throws IOException {
        try (Socket socket = connect()) {
            return exchange(socket, method, path, token, body, extraHeaders);
        }
    }

    /** A connection from the source address, open and idle: a test can send on many at the same moment. */
    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** One request on a connection from {@link #connect}, answered and then closed by the server. */
    static Answer exchange(Socket socket, String method, String path, String token, String body,
                           Map<String, String> extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Connection: close\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Type: application/json\r\n");
        }
        request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return parse(socket.getInputStream());
    }

    private static Answer parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String raw = all.toString(StandardCharsets.UTF_8);
        int split = raw.indexOf("\r\n\r\n");
        String[] lines = raw.substring(0, split).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, raw.substring(split + 4));
    }
}
