package dev.rain.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.Jws;
import dev.rain.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
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
        assertEquals(Set.of("RS256"), jwt.algorithms());
        assertNull(jwt.secret());
        assertEquals(2048, JwtConfig.rsaPublicKey(jwt.publicKeyPem()).getModulus().bitLength());
    }

    @Test
    @DisplayName("RS256 reads the key from a file, or from one line with literal \\n as deployers flatten it")
    void rs256KeyFromAFileOrOneLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("platform.pem");
        Files.writeString(file, PEM);
        assertEquals(Set.of("RS256"), ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_PUBLIC_KEY_FILE", file.toString())).jwt().algorithms());
        assertEquals(Set.of("RS256"), ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_PUBLIC_KEY", PEM.replace("\n", "\\n"))).jwt().algorithms());
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

    @Test
    @DisplayName("a JWK Set file gives RS256 by kid, alone or beside an HS256 secret; the rules default to a day and 30 s")
    void jwksFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic()));
        JwtConfig alone = ApiConfig.fromEnv(Map.of("RAIN_JWT_JWKS_FILE", file.toString())).jwt();
        assertEquals(Set.of("RS256"), alone.algorithms());
        assertEquals(TokenRules.defaults(), alone.rules());
        assertEquals(86_400, alone.rules().maxLifetimeSeconds());
        assertEquals(30, alone.rules().clockSkewSeconds());
        assertEquals(Set.of("HS256", "RS256"), ApiConfig.fromEnv(Map.of("RAIN_JWT_JWKS_FILE", file.toString(),
            "RAIN_JWT_SECRET", SECRET)).jwt().algorithms());
        assertEquals(Set.of("RS256"), ApiConfig.fromEnv(Map.of("RAIN_JWT_ALGORITHM", "RS256",
            "RAIN_JWT_JWKS_URL", "https://id.example/.well-known/jwks.json")).jwt().algorithms());
    }

    @Test
    @DisplayName("a JWK Set file that is missing, not a key set, or without one usable RS256 key refuses to start naming the variable")
    void badJwksFiles(@TempDir Path dir) throws Exception {
        Map<String, String> documents = Map.of(
            "not JSON", "keys",
            "no keys array", "{\"kid\":\"k1\"}",
            "an empty set", "{\"keys\":[]}",
            "only a 1024-bit key", Jws.jwks("k1", Jws.rsaKeyPair(1024).getPublic()),
            "only an encryption key", Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic()).replace("\"sig\"", "\"enc\""),
            "only a key without kid", Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic()).replace("\"kid\":\"k1\",", ""),
            "only an RS512 key", Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic()).replace("RS256", "RS512"),
            "two keys under one kid", Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic(), "k1", Jws.rsaKeyPair(2048).getPublic()));
        for (Map.Entry<String, String> document : documents.entrySet()) {
            Path file = dir.resolve("jwks-" + document.getKey().hashCode() + ".json");
            Files.writeString(file, document.getValue());
            assertRefused(Map.of("RAIN_JWT_JWKS_FILE", file.toString()), "RAIN_JWT_JWKS_FILE", document.getKey());
        }
        assertRefused(Map.of("RAIN_JWT_JWKS_FILE", dir.resolve("absent.json").toString()), "RAIN_JWT_JWKS_FILE", "a missing file");
    }

    @Test
    @DisplayName("a JWK Set URL must be https, or http to a loopback address; a file and a URL together, or with a PEM key, are refused")
    void jwksUrls(@TempDir Path dir) throws Exception {
        for (String url : new String[] {"http://id.example/jwks.json", "http://10.0.0.1/jwks", "ftp://id.example/jwks",
            "https:///jwks", "not a url", "file:///etc/jwks.json"}) {
            assertRefused(Map.of("RAIN_JWT_JWKS_URL", url), "RAIN_JWT_JWKS_URL", url);
        }
        for (String url : new String[] {"http://127.0.0.1:8081/jwks", "http://localhost/jwks", "http://[::1]:9/jwks"}) {
            assertEquals(Set.of("RS256"), ApiConfig.fromEnv(Map.of("RAIN_JWT_JWKS_URL", url)).jwt().algorithms(), url);
        }
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, Jws.jwks("k1", Jws.rsaKeyPair(2048).getPublic()));
        assertRefused(Map.of("RAIN_JWT_JWKS_FILE", file.toString(), "RAIN_JWT_JWKS_URL", "https://id.example/jwks"),
            "RAIN_JWT_JWKS_URL", "file and URL");
        assertRefused(Map.of("RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", PEM, "RAIN_JWT_JWKS_FILE", file.toString()),
            "RAIN_JWT_JWKS_FILE", "PEM and JWKS");
        assertRefused(Map.of("RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_SECRET", SECRET, "RAIN_JWT_JWKS_FILE", file.toString()),
            "RAIN_JWT_SECRET", "RS256 only with a secret");
    }

    @Test
    @DisplayName("neither a secret nor a key refuses to start, naming the secret and the JWK Set variables")
    void someKeyIsRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(Map.of()));
        assertTrue(e.getMessage().contains("RAIN_JWT_SECRET") && e.getMessage().contains("RAIN_JWT_JWKS_URL"), e.getMessage());
    }

    @Test
    @DisplayName("issuer and audience are one value each: spaces, a comma list or control characters refuse to start")
    void issuerAndAudience() {
        TokenRules rules = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_ISSUER", "https://id.example",
            "RAIN_JWT_AUDIENCE", "rain-api")).jwt().rules();
        assertEquals("https://id.example", rules.issuer());
        assertEquals("rain-api", rules.audience());
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_AUDIENCE", "rain-api,admin"), "RAIN_JWT_AUDIENCE", "a list");
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_AUDIENCE", "rain api"), "RAIN_JWT_AUDIENCE", "a space");
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_ISSUER", "https://id\u0007.example"), "RAIN_JWT_ISSUER", "a bell");
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_ISSUER", "i".repeat(257)), "RAIN_JWT_ISSUER", "257 characters");
    }

    @Test
    @DisplayName("the lifetime and skew are bounded, and demo mode refuses a lifetime below its 24 h tokens")
    void lifetimeAndSkew() {
        TokenRules rules = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_MAX_LIFETIME_SECONDS", "3600",
            "RAIN_JWT_CLOCK_SKEW_SECONDS", "0")).jwt().rules();
        assertEquals(3_600, rules.maxLifetimeSeconds());
        assertEquals(0, rules.clockSkewSeconds());
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_MAX_LIFETIME_SECONDS", "0"), "RAIN_JWT_MAX_LIFETIME_SECONDS", "zero");
        assertRefused(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_JWT_CLOCK_SKEW_SECONDS", "3600"), "RAIN_JWT_CLOCK_SKEW_SECONDS", "an hour");
        assertRefused(Map.of("RAIN_DEMO_MODE", "true", "RAIN_JWT_MAX_LIFETIME_SECONDS", "3600"), "RAIN_DEMO_MODE", "demo");
    }

    private static void assertRefused(Map<String, String> env, String variable, String what) {
        ConfigException e = assertThrows(ConfigException.class, () -> ApiConfig.fromEnv(env), what);
        assertTrue(e.getMessage().contains(variable), what + ": " + e.getMessage());
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
