package dev.rain.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.Jws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtConfigTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long";
    private static final String PEM = Jws.pem(Jws.rsaKeyPair(2048).getPublic());

    @Test
    @DisplayName("RS256 with a PEM public key is taken, and no secret is kept")
    void rs256WithAKey() {
        JwtConfig jwt = ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", PEM)).jwt();
        assertEquals("RS256", jwt.algorithm());
        assertNull(jwt.secret());
        assertEquals(2048, JwtConfig.rsaPublicKey(jwt.publicKeyPem()).getModulus().bitLength());
    }

    @Test
    @DisplayName("RS256 reads the key from a file, or from one line with literal \\n as deployers flatten it")
    void rs256KeyFromAFileOrOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("platform.pem");
        Files.writeString(file, PEM);
        assertEquals("RS256", ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_PUBLIC_KEY_FILE", file.toString())).jwt().algorithm());
        assertEquals("RS256", ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_PUBLIC_KEY", PEM.replace("\n", "\\n"))).jwt().algorithm());
    }

    @Test
    @DisplayName("RS256 without a key refuses to start naming the variables; demo mode, which mints HS256, is refused with RS256")
    void rs256NeedsAKey() {
        ConfigException e = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256")));
        assertTrue(e.getMessage().contains("RAIN_JWT_PUBLIC_KEY"), e.getMessage());
        ConfigException demo = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of(
            "RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", PEM, "RAIN_DEMO_MODE", "true")));
        assertTrue(demo.getMessage().contains("RAIN_DEMO_MODE"), demo.getMessage());
    }

    @Test
    @DisplayName("a key that is not a PEM public key, not RSA, or under 2048 bits refuses to start")
    void badKeysAreRefused() {
        Map<String, String> keys = Map.of(
            "garbage", "not a key",
            "a private key header", PEM.replace("PUBLIC", "PRIVATE"),
            "broken base64", PEM.replace("MII", "!!!"),
            "1024 bits", Jws.pem(Jws.rsaKeyPair(1024).getPublic()),
            "an EC key", ecPem());
        keys.forEach((what, key) -> {
            ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of(
                "RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", key)), what);
            assertTrue(e.getMessage().contains("RAIN_JWT_PUBLIC_KEY"), what + ": " + e.getMessage());
        });
    }

    @Test
    @DisplayName("a secret and a key together, or a key without RS256, are refused: only one algorithm is accepted")
    void mixedConfigurationsAreRefused() {
        assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_PUBLIC_KEY", PEM, "RAIN_JWT_SECRET", SECRET)));
        assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_PUBLIC_KEY", PEM, "RAIN_JWT_SECRET", SECRET)));
        Map<String, String> both = new HashMap<>(Map.of("RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", PEM));
        both.put("RAIN_JWT_PUBLIC_KEY_FILE", "/etc/hostname");
        assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(both));
        ConfigException none = assertThrows(ConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "none", "RAIN_JWT_SECRET", SECRET)));
        assertTrue(none.getMessage().contains("RAIN_JWT_ALGORITHM"), none.getMessage());
    }

    @Test
    @DisplayName("a configuration printed in a log never shows the secret")
    void toStringHidesTheSecret() {
        ApiConfig config = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET));
        assertFalse(config.toString().contains(SECRET), config.toString());
        assertFalse(config.jwt().generated());
    }

    @Test
    @DisplayName("HTTP timeouts default to 60 s idle and 30 s a request, and a zero is refused naming the variable")
    void httpTimeouts() {
        HttpTimeouts timeouts = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).httpTimeouts();
        assertEquals(60, timeouts.idleSeconds());
        assertEquals(30, timeouts.requestSeconds());
        ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET,
            "RAIN_HTTP_REQUEST_TIMEOUT_SECONDS", "0")));
        assertTrue(e.getMessage().contains("RAIN_HTTP_REQUEST_TIMEOUT_SECONDS"), e.getMessage());
    }

    private static String ecPem() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return Jws.pem(generator.generateKeyPair().getPublic());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
