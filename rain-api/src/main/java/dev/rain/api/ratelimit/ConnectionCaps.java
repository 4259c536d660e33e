package dev.rain.api.ratelimit;

import dev.rain.api.config.RateLimitConfig;
import dev.rain.api.config.TrustedProxies;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps on what one client holds open on this instance, so that one address cannot exhaust its sockets
 * and memory: connections per socket peer, room WebSockets per client address and per user. Counted per
 * instance (each instance holds its own sockets), and freed when the socket closes.
 *
 * <p>A connection is capped when it is accepted, when only its socket peer is known: a peer that is a
 * trusted proxy is not capped there, since every client behind it shares its address; the proxy is
 * expected to cap its own clients. Such a connection is closed at once, without an answer: it has sent no
 * request to answer, and holding it open to answer one later would spend the very resource being capped.
 * A WebSocket is capped before the upgrade, by its client address as the rate limits resolve it (through
 * trusted proxies) and by its user, and refused with 429 {@code TOO_MANY_CONNECTIONS}.
 */
public final class ConnectionCaps {

    private final TrustedProxies trusted;
    private final OpenCounts connectionsPerPeer;
    private final OpenCounts socketsPerAddress;
    private final OpenCounts socketsPerUser;
    private final Counter refusedConnections;
    private final Counter refusedByAddress;
    private final Counter refusedByUser;

    ConnectionCaps(RateLimitConfig config, MeterRegistry metrics) {
        this.trusted = config.trustedProxies();
        this.connectionsPerPeer = new OpenCounts(config.connectionsPerAddress());
        this.socketsPerAddress = new OpenCounts(config.webSocketsPerAddress());
        this.socketsPerUser = new OpenCounts(config.webSocketsPerUser());
        this.refusedConnections = refused(metrics, "connections_per_address");
        this.refusedByAddress = refused(metrics, "websockets_per_address");
        this.refusedByUser = refused(metrics, "websockets_per_user");
    }

    private static Counter refused(MeterRegistry metrics, String cap) {
        return Counter.builder("rain.connections.refused").tag("cap", cap).register(metrics);
    }

    /** A connection just accepted: closed at once when its peer holds its cap already, else counted until it closes. */
    public void admit(HttpConnection connection) {
        String peer = cappedPeer(connection.remoteAddress());
        // Only a connection whose close can be heard is counted: a slot that is never freed would lock its peer out.
        if (peer == null || !(connection instanceof ConnectionBase closing)) {
            return;
        }
        if (!connectionsPerPeer.tryOpen(peer)) {
            refusedConnections.increment();
            connection.close();
            return;
        }
        closing.closeFuture().onComplete(closed -> connectionsPerPeer.close(peer));
    }

    /** The bucket a peer's connections count in, or null when they are not capped (a trusted proxy, a unix socket). */
    private String cappedPeer(SocketAddress remote) {
        byte[] address = remote == null ? null : TrustedProxies.literal(remote.hostAddress());
        return address == null || trusted.trusts(address) ? null : ClientIp.bucket(address);
    }

    /**
     * Takes a room WebSocket slot of the client {@code address} (as {@link ClientIp#resolve} names it) and of
     * {@code userId}; the returned release gives them back (once, however often it runs) and must run when the
     * socket closes or the upgrade fails.
     *
     * @throws RainException TOO_MANY_CONNECTIONS when either holds its cap already; then nothing is taken
     */
    public Runnable reserveWebSocket(String address, String userId) {
        if (!socketsPerAddress.tryOpen(address)) {
            refusedByAddress.increment();
            throw new RainException(ErrorCode.TOO_MANY_CONNECTIONS, "too many WebSockets open from your address");
        }
        if (!socketsPerUser.tryOpen(userId)) {
            socketsPerAddress.close(address);
            refusedByUser.increment();
            throw new RainException(ErrorCode.TOO_MANY_CONNECTIONS, "too many WebSockets open for your account");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                socketsPerAddress.close(address);
                socketsPerUser.close(userId);
            }
        };
    }
}
