package dev.rain.api.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The routes that upgrade to a WebSocket, in one place: each is public (its token may be in the query) and must
 * still spend the address's request budget before it upgrades, which {@link HttpVerticle} mounts for every one.
 */
public final class WebSocketPaths {

    public static final String ROOM_EVENTS = "/v1/rooms/:roomId/events";
    static final List<String> ALL = List.of(ROOM_EVENTS);
    /** Each path with its {@code :param} segments as "one segment of anything". */
    private static final List<Pattern> PATTERNS = ALL.stream()
        .map(path -> Pattern.compile(path.replaceAll(":[A-Za-z]+", "[^/]+"))).toList();

    private WebSocketPaths() {
    }

    /**
     * A request that can become a WebSocket: a GET without a body, asking for the upgrade, on one of these
     * paths. Anything else claiming an upgrade is an ordinary request.
     */
    static boolean isUpgrade(HttpServerRequest request) {
        String connection = request.getHeader(HttpHeaders.CONNECTION);
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.method() == HttpMethod.GET
            && "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))
            && connection != null && connection.toLowerCase(Locale.ROOT).contains("upgrade")
            && (length == null || "0".equals(length.trim()))
            && !request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
            && PATTERNS.stream().anyMatch(pattern -> pattern.matcher(request.path()).matches());
    }
}
