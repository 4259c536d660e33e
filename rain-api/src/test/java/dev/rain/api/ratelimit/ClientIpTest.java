package dev.rain.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.api.config.TrustedProxies;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClientIpTest {

    private static final TrustedProxies PROXIES = TrustedProxies.parse("10.0.0.0/8, 192.168.1.5, fd00::/8");

    @Test
    @DisplayName("without trusted proxies the direct peer is the client, whatever X-Forwarded-For says")
    void untrustedPeerIsTheClient() {
        assertEquals("203.0.113.9", ClientIp.resolve("203.0.113.9", List.of("1.2.3.4"), TrustedProxies.none()));
        assertEquals("203.0.113.9", ClientIp.resolve("203.0.113.9", List.of("1.2.3.4"), PROXIES));
    }

    @Test
    @DisplayName("a trusted proxy's X-Forwarded-For names the client")
    void trustedProxyForwardsTheClient() {
        assertEquals("198.51.100.7", ClientIp.resolve("10.1.2.3", List.of("198.51.100.7"), PROXIES));
        assertEquals("198.51.100.7", ClientIp.resolve("192.168.1.5", List.of("198.51.100.7"), PROXIES));
    }

    @Test
    @DisplayName("the first untrusted hop from the right is the client; a forged leftmost entry is ignored")
    void firstUntrustedHopFromTheRight() {
        assertEquals("198.51.100.7", ClientIp.resolve("10.1.2.3",
            List.of("6.6.6.6, 198.51.100.7, 10.9.9.9"), PROXIES));
        assertEquals("198.51.100.7", ClientIp.resolve("10.1.2.3",
            List.of("6.6.6.6", "198.51.100.7, 10.9.9.9"), PROXIES), "several header lines read as one list");
    }

    @Test
    @DisplayName("garbage in X-Forwarded-For leaves the request with the last hop that is believed")
    void garbageStopsTheWalk() {
        assertEquals("10.9.9.9", ClientIp.resolve("10.1.2.3", List.of("198.51.100.7, evil.example, 10.9.9.9"), PROXIES));
        assertEquals("10.1.2.3", ClientIp.resolve("10.1.2.3", List.of("not-an-ip"), PROXIES));
        assertEquals("10.1.2.3", ClientIp.resolve("10.1.2.3", List.of(), PROXIES));
    }

    @Test
    @DisplayName("ports are stripped and IPv4-mapped IPv6 reads as IPv4")
    void portsAndMappedAddresses() {
        assertEquals("198.51.100.7", ClientIp.resolve("10.1.2.3", List.of("198.51.100.7:5555"), PROXIES));
        assertEquals("198.51.100.7", ClientIp.resolve("::ffff:198.51.100.7", List.of(), PROXIES));
        assertEquals("198.51.100.7", ClientIp.resolve("::ffff:10.0.0.1", List.of("198.51.100.7"), PROXIES));
    }

    @Test
    @DisplayName("an IPv6 client is limited by its /64, however it spells its address")
    void ipv6ByNetwork() {
        String bucket = ClientIp.resolve("2001:db8:1:2::1", List.of(), PROXIES);
        assertEquals("2001:db8:1:2:0:0:0:0/64", bucket);
        assertEquals(bucket, ClientIp.resolve("2001:0db8:0001:0002:ffff:0:0:9", List.of(), PROXIES));
        assertEquals(bucket, ClientIp.resolve("fd00::1", List.of("[2001:db8:1:2::77]:443"), PROXIES));
    }

    @Test
    @DisplayName("a trusted-proxy entry that is not an address or a block is refused")
    void badProxyEntries() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.internal"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/x"));
    }
}
