package dev.rain.api.http;

import dev.rain.api.config.TrustedProxies;
import dev.rain.api.ratelimit.ClientIp;
import io.vertx.ext.web.RoutingContext;

/** The client address a request's per-address limits and caps count, as {@link ClientIp} resolves it. */
final class ClientAddress {

    private static final String RESOLVED = "rain.clientIp";

    private ClientAddress() {
    }

    /** The client of a request, resolved once per request: every limit of the request counts the same address. */
    static String of(RoutingContext ctx, TrustedProxies trusted) {
        String ip = ctx.get(RESOLVED);
        if (ip == null) {
            var peer = ctx.request().remoteAddress();
            ip = ClientIp.resolve(peer == null ? null : peer.hostAddress(),
                ctx.request().headers().getAll("X-Forwarded-For"), trusted);
            ctx.put(RESOLVED, ip);
        }
        return ip;
    }
}
