package dev.rain.api.config;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-For} is believed (RAIN_TRUSTED_PROXIES: comma-separated
 * addresses or CIDR blocks, IPv4 or IPv6). Empty by default: then the direct peer is the client, and
 * a forged header changes nothing.
 */
public final class TrustedProxies {

    private final List<byte[]> networks;
    private final List<Integer> prefixes;

    private TrustedProxies(List<byte[]> networks, List<Integer> prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), List.of());
    }

    /** Parses the list; an entry that is not an address or a block throws, naming the entry. */
    public static TrustedProxies parse(String list) {
        List<byte[]> networks = new ArrayList<>();
        List<Integer> prefixes = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return none();
        }
        for (String entry : list.split(",")) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has a prefix length out of range");
                }
            }
            networks.add(address);
            prefixes.add(prefix);
        }
        return new TrustedProxies(List.copyOf(networks), List.copyOf(prefixes));
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    public boolean trusts(byte[] address) {
        for (int i = 0; i < networks.size(); i++) {
            if (within(address, networks.get(i), prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }

    /**
     * The bytes of an IP literal (4 for IPv4, including IPv4-mapped IPv6; 16 for IPv6), or null. Never
     * a DNS lookup: a hostname is not an address here.
     */
    public static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return java.util.Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }
}
