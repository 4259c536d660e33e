package dev.rain.api.ratelimit;

import dev.rain.api.config.TrustedProxies;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which client a request's per-address limits are kept for.
 *
 * <p>The direct peer, unless it is a trusted proxy: then {@code X-Forwarded-For} is read from the
 * right (the hop the proxy itself appended) leftwards, past every trusted proxy, to the first
 * untrusted address. Entries left of that were written by the client and prove nothing, so a forged
 * header can only move a request into the bucket of the address that sent it.
 */
public final class ClientIp {

    private ClientIp() {
    }

    /**
     * The bucket name of the client: an IPv4 address, or the /64 network of an IPv6 one (one host
     * holds a whole /64, so a per-/128 limit would be no limit).
     */
    public static String resolve(String peer, List<String> forwardedFor, TrustedProxies trusted) {
        byte[] client = TrustedProxies.literal(peer);
        if (client == null) {
            // Not an IP (a unix socket): its own bucket, and nothing it forwards is believed.
            return String.valueOf(peer);
        }
        if (!trusted.trusts(client)) {
            return bucket(client);
        }
        List<String> hops = hops(forwardedFor);
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = TrustedProxies.literal(withoutPort(hops.get(i)));
            if (hop == null) {
                // Garbage where an address should be: the last hop we believe is who sent it.
                break;
            }
            client = hop;
            if (!trusted.trusts(hop)) {
                break;
            }
        }
        return bucket(client);
    }

    private static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        if (headers != null) {
            for (String header : headers) {
                for (String hop : header.split(",")) {
                    hops.add(hop.trim());
                }
            }
        }
        return hops;
    }

    /** {@code 1.2.3.4:5678} and {@code [2001:db8::1]:443} are seen in the wild; a bare IPv6 has colons of its own. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close < 0 ? hop : hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        return colon > 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
    }

    static String bucket(byte[] address) {
        try {
            if (address.length == 4) {
                return InetAddress.getByAddress(address).getHostAddress();
            }
            byte[] network = java.util.Arrays.copyOf(address, 16);
            java.util.Arrays.fill(network, 8, 16, (byte) 0);
            return InetAddress.getByAddress(network).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.length + " bytes", e);
        }
    }
}
