package dev.rain.api.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes an HTTP/1.1 connection whose next request does not arrive in full (headers and body) within the
 * deadline: from the moment the connection opens, and again from the moment each answer is sent. The idle
 * timeout only catches a client that sends nothing; a slow-loris client trickles a byte every few seconds
 * and would otherwise hold its socket, and a slot of the server, for as long as it likes.
 *
 * <p>One instance per HTTP verticle: every method runs on that verticle's event loop, so the map of
 * armed timers needs no lock.
 */
final class RequestDeadline {

    private final Vertx vertx;
    private final long millis;
    private final Map<HttpConnection, Long> timers = new HashMap<>();

    RequestDeadline(Vertx vertx, long millis) {
        this.vertx = vertx;
        this.millis = millis;
    }

    /** A new connection: its first request must arrive in time. */
    void watch(HttpConnection connection) {
        arm(connection);
        connection.closeHandler(closed -> disarm(connection));
    }

    /** Headers are in: the deadline keeps running until the body is in too. Server level, before routing. */
    void track(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (WebSocketPaths.isUpgrade(request)) {
            // Arrived in full (a GET without a body) and may become a WebSocket, kept by pings and the idle
            // timeout. Vert.x sends the 101 past the response's end handlers, so this is the last moment to
            // disarm; a refused upgrade stays HTTP and its answer arms the next deadline. Any other request
            // claiming an upgrade must arrive in time like the rest.
            disarm(connection);
        } else if (request.isEnded()) {
            disarm(connection);
        } else {
            // An answer sent before the body was read (a 401, a 413) has already armed the next deadline.
            request.end().onComplete(received -> {
                if (!request.response().ended()) {
                    disarm(connection);
                }
            });
        }
    }

    /**
     * First route handler: once the answer is sent, the next request's deadline starts. Through the routing
     * context, whose end handlers are a list: the response's own end handler is a single slot that
     * {@code addEndHandler} takes over. A refused WebSocket upgrade stays HTTP and gets a deadline too.
     */
    void rearmAfterAnswer(RoutingContext ctx) {
        HttpConnection connection = ctx.request().connection();
        ctx.addEndHandler(sent -> {
            if (sent.succeeded() && ctx.response().getStatusCode() != 101) {
                arm(connection);
            }
        });
        ctx.next();
    }

    private void arm(HttpConnection connection) {
        disarm(connection);
        long timer = vertx.setTimer(millis, fired -> {
            timers.remove(connection);
            connection.close();
        });
        timers.put(connection, timer);
    }

    private void disarm(HttpConnection connection) {
        Long timer = timers.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }
}
