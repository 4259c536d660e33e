package dev.rain.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The wire floor of a tap: an HTTP server that does no work at all and answers each request with the bytes the
 * real API answered, recorded once with {@code curl -si}. A GET gets the answer of {@code /health/live}; a POST,
 * once its body has arrived, the answer of a tap on a sold-out rain (409 ENDED, problem+json).
 *
 * <p>Run by {@code bench/run} with the API's HTTP settings (Vert.x 5, as many event loops as the API, epoll), so
 * wrk's taps against it cost what a tap's bytes and wrk's Lua cost, and nothing of the product: the most a tap
 * could be sped up to, next to the same server's answer to a health check.
 *
 * <p>Usage: {@code WireFloor <port> <event-loops> <health-answer-file> <tap-answer-file>}
 */
public final class WireFloor {

    private WireFloor() {
    }

    /** A recorded answer: status, headers (Content-Length and Date left to the server) and body. */
    record Answer(int status, List<Map.Entry<String, String>> headers, Buffer body) {

        /** Reads {@code curl -si} output: a status line, header lines, an empty line, the body. */
        static Answer parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            if (split < 0) {
                throw new IllegalArgumentException("no end of headers in the recorded answer");
            }
            String[] lines = text.substring(0, split).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).trim();
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.equals("content-length") && !lower.equals("date")) {
                    headers.add(Map.entry(name, lines[i].substring(colon + 1).trim()));
                }
            }
            byte[] body = text.substring(split + 4).getBytes(StandardCharsets.ISO_8859_1);
            return new Answer(status, List.copyOf(headers), Buffer.buffer(body));
        }

        void send(HttpServerResponse response) {
            response.setStatusCode(status);
            for (Map.Entry<String, String> header : headers) {
                response.putHeader(header.getKey(), header.getValue());
            }
            response.end(body);
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = Integer.parseInt(args[1]);
        Answer health = Answer.parse(Files.readAllBytes(Path.of(args[2])));
        Answer tap = Answer.parse(Files.readAllBytes(Path.of(args[3])));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                        .requestHandler(request -> answer(request, health, tap))
                        .listen();
                }
            }, new DeploymentOptions().setInstances(loops))
            .onSuccess(id -> System.out.printf("wire floor listening on %d (%d event loops, %s transport)%n", port,
                loops, vertx.isNativeTransportEnabled() ? "native" : "java.nio"))
            .onFailure(failure -> {
                failure.printStackTrace();
                System.exit(1);
            });
    }

    private static void answer(HttpServerRequest request, Answer health, Answer tap) {
        if (request.method() == HttpMethod.GET) {
            health.send(request.response());
        } else {
            // As the API's body handler does: the answer waits for the whole body.
            request.body().onSuccess(body -> tap.send(request.response()));
        }
    }
}
