package dev.rain.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long";

    @Test
    @DisplayName("without a secret the API refuses to start, and says how to try it locally")
    void refusesMissingSecret() {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of()));
        assertTrue(e.getMessage().contains("RAIN_JWT_SECRET"), e.getMessage());
    }

    @Test
    @DisplayName("a secret shorter than 32 bytes is refused")
    void refusesShortSecret() {
        assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", "short")));
    }

    @Test
    @DisplayName("demo mode generates a secret when none is set")
    void demoModeGeneratesASecret() {
        ApiConfig config = ApiConfig.fromEnv(Map.of("RAIN_DEMO_MODE", "true", "RAIN_HTTP_HOST", "127.0.0.1"));
        assertTrue(config.jwt().secret().length() >= 32);
        assertTrue(config.jwt().generated());
    }

    @Test
    @DisplayName("demo mode on a non-loopback host is refused, naming the host and the variable that allows it")
    void demoModeRefusesNonLoopbackHosts() {
        for (String host : new String[] {"0.0.0.0", "::", "10.1.2.3", "rain.example.com"}) {
            ConfigException e = assertThrows(ConfigException.class,
                () -> ApiConfig.fromEnv(Map.of("RAIN_DEMO_MODE", "true", "RAIN_HTTP_HOST", host)), host);
            assertTrue(e.getMessage().contains("'" + host + "'") && e.getMessage().contains("RAIN_DEMO_ALLOW_NON_LOOPBACK"),
                e.getMessage());
        }
        ConfigException byDefault = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_DEMO_MODE", "true")));
        assertTrue(byDefault.getMessage().contains("'0.0.0.0'"), "the default host is every interface: " + byDefault.getMessage());
    }

    @Test
    @DisplayName("demo mode runs on loopback hosts, and elsewhere only when RAIN_DEMO_ALLOW_NON_LOOPBACK=true")
    void demoModeRunsOnLoopbackOrWhenAllowed() {
        for (String host : new String[] {"127.0.0.1", "127.8.9.10", "::1", "localhost"}) {
            assertTrue(ApiConfig.fromEnv(Map.of("RAIN_DEMO_MODE", "true", "RAIN_HTTP_HOST", host)).demoMode(), host);
        }
        assertTrue(ApiConfig.fromEnv(Map.of("RAIN_DEMO_MODE", "true", "RAIN_HTTP_HOST", "0.0.0.0",
            "RAIN_DEMO_ALLOW_NON_LOOPBACK", "true")).demoMode());
        // Production mode binds anywhere: the rule is demo mode's alone.
        assertEquals("0.0.0.0", ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).httpHost());
    }

    @Test
    @DisplayName("metrics listen on a management port of their own: 9090 by default, never the public port")
    void managementPortIsItsOwn() {
        ApiConfig defaults = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET));
        assertEquals(new ManagementEndpoint("0.0.0.0", 9090), defaults.management());
        ConfigException same = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of(
            "RAIN_JWT_SECRET", SECRET, "RAIN_HTTP_PORT", "9000", "RAIN_MANAGEMENT_PORT", "9000")));
        assertTrue(same.getMessage().contains("RAIN_MANAGEMENT_PORT"), same.getMessage());
    }

    @Test
    @DisplayName("a bad number names its variable")
    void badNumberNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_HTTP_PORT", "eighty")));
        assertTrue(e.getMessage().contains("RAIN_HTTP_PORT"), e.getMessage());
        assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_MAX_SHARDS", "0")));
    }

    @Test
    @DisplayName("connection caps default to what a carrier NAT needs, and a cap of zero is refused at start, naming its variable")
    void connectionCaps() {
        RateLimitConfig caps = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).rateLimits();
        assertEquals(1_000, caps.connectionsPerAddress());
        assertEquals(500, caps.webSocketsPerAddress());
        assertEquals(10, caps.webSocketsPerUser());
        for (String name : new String[] {"RAIN_MAX_CONNECTIONS_PER_ADDRESS", "RAIN_MAX_WEBSOCKETS_PER_ADDRESS",
            "RAIN_MAX_WEBSOCKETS_PER_USER"}) {
            ConfigException e = assertThrows(ConfigException.class,
                () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, name, "0")));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    @DisplayName("the contract's limits are the defaults")
    void defaultsAreTheContracts() {
        RainLimits limits = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).limits();
        assertEquals(1_000_000, limits.maxTotalCount());
        assertEquals(10_000_000_000L, limits.maxTotalAmount());
        assertEquals(100, limits.maxGrabsPerUserLimit());
        assertEquals(1, limits.defaultMaxGrabsPerUser());
        assertEquals(300, limits.maxCountdownSeconds());
        assertEquals(3, limits.defaultCountdownSeconds());
        assertEquals(86_400, limits.maxDurationSeconds());
        assertEquals(30, limits.defaultDurationSeconds());
    }

    @Test
    @DisplayName("the abuse limits default to 10 grabs a second per viewer, 200 (burst 400) per address, 20 unknown codes a minute")
    void rateLimitDefaults() {
        RateLimitConfig limits = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).rateLimits();
        assertEquals(10, limits.grabPerViewerPerSecond());
        assertEquals(10, limits.grabPerViewerBurst());
        assertEquals(200, limits.ipPerSecond());
        assertEquals(400, limits.ipBurst());
        assertEquals(20, limits.unknownCodePerIpPerMinute());
        assertTrue(limits.trustedProxies().isEmpty(), "no proxy is trusted unless configured");
    }

    @Test
    @DisplayName("a zero rate limit and a trusted proxy that is not an address are refused, naming the variable")
    void badRateLimitsAreRefused() {
        ConfigException zero = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_LIMIT_IP_PER_SECOND", "0")));
        assertTrue(zero.getMessage().contains("RAIN_LIMIT_IP_PER_SECOND"), zero.getMessage());
        ConfigException proxy = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_TRUSTED_PROXIES", "lb.internal")));
        assertTrue(proxy.getMessage().contains("RAIN_TRUSTED_PROXIES"), proxy.getMessage());
    }

    @Test
    @DisplayName("a malformed Redis URL, Kafka bootstrap, topic, JDBC URL or instance id is refused, naming the variable")
    void malformedAddressesNameTheirVariable() {
        Map<String, String> bad = Map.of(
            "RAIN_REDIS_URL", "127.0.0.1:6379",
            "RAIN_KAFKA_BOOTSTRAP", "kafka",
            "RAIN_SETTLEMENT_TOPIC", "rain settlement",
            "RAIN_PG_URL", "postgres://127.0.0.1/rain",
            "RAIN_INSTANCE_ID", "api 1");
        bad.forEach((name, value) -> {
            ConfigException e = assertThrows(ConfigException.class,
                () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, name, value)), name);
            assertTrue(e.getMessage().startsWith(name + " must be"), e.getMessage());
        });
    }

    @Test
    @DisplayName("a default above its bound is refused, naming both variables")
    void defaultAboveItsBoundIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of(
            "RAIN_JWT_SECRET", SECRET, "RAIN_MAX_GRABS_PER_USER", "5", "RAIN_DEFAULT_GRABS_PER_USER", "6")));
        assertTrue(e.getMessage().contains("RAIN_DEFAULT_GRABS_PER_USER")
            && e.getMessage().contains("RAIN_MAX_GRABS_PER_USER"), e.getMessage());
    }
}
