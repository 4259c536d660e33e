package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.api.Jws;
import dev.rain.api.config.JwksSource;
import dev.rain.api.config.JwtConfig;
import dev.rain.api.config.TokenRules;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RS256 keys by kid from a JWK Set file, beside an HS256 secret; keys made here, tokens signed by hand. */
class JwksTokensTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long!";
    private static final KeyPair FIRST = Jws.rsaKeyPair(2048);
    private static final KeyPair SECOND = Jws.rsaKeyPair(2048);
    private static final String VIEWER = Jws.claims("viewer-1", "[\"viewer\"]", 300);

    @TempDir
    Path dir;
    private Path file;
    private Vertx vertx;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        file = dir.resolve("jwks.json");
        Files.writeString(file, Jws.jwks("k1", FIRST.getPublic()));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("an RS256 token is verified with the key its kid names, and an HS256 token with the secret beside it")
    void tokenByKidIsAccepted() throws Exception {
        Authenticator authenticator = authenticator(1);
        assertEquals("viewer-1", authenticator.authenticate(Jws.rs256(FIRST.getPrivate(), "k1", VIEWER)).await(5, TimeUnit.SECONDS).userId());
        assertEquals("viewer-1", authenticator.authenticate(Jws.hs256(SECRET, VIEWER)).await(5, TimeUnit.SECONDS).userId());
    }

    @Test
    @DisplayName("an RS256 token whose kid names no key in the set is refused with 401")
    void unknownKidIsRefused() throws Exception {
        assertRefused(authenticator(1), Jws.rs256(SECOND.getPrivate(), "k2", VIEWER));
    }

    @Test
    @DisplayName("an RS256 token naming the kid of a key that did not sign it is refused with 401")
    void kidOfAnotherKeyIsRefused() throws Exception {
        assertRefused(authenticator(1), Jws.rs256(SECOND.getPrivate(), "k1", VIEWER));
    }

    @Test
    @DisplayName("an RS256 token without a kid is refused when keys come from a JWK Set")
    void missingKidIsRefused() throws Exception {
        assertRefused(authenticator(1), Jws.rs256(FIRST.getPrivate(), VIEWER));
    }

    @Test
    @DisplayName("an HS256 token signed with a set key's public bytes as the secret is refused: keys are bound to RS256")
    void keyConfusionIsRefused() throws Exception {
        Authenticator authenticator = authenticator(1);
        assertRefused(authenticator, Jws.hmac("HS256", FIRST.getPublic().getEncoded(), "{\"alg\":\"HS256\",\"kid\":\"k1\"}", VIEWER));
        assertRefused(authenticator, Jws.hmac("HS256", Jws.jwks("k1", FIRST.getPublic()).getBytes(StandardCharsets.UTF_8),
            "{\"alg\":\"HS256\",\"kid\":\"k1\"}", VIEWER));
        assertRefused(authenticator, Jws.unsigned(VIEWER, ""));
    }

    @Test
    @DisplayName("a key added to the file is taken once the refresh interval has passed, and not before")
    void rotatedFileIsReloadedAtMostOncePerInterval() throws Exception {
        Authenticator authenticator = authenticator(2);
        Files.writeString(file, Jws.jwks("k1", FIRST.getPublic(), "k2", SECOND.getPublic()));
        String rotated = Jws.rs256(SECOND.getPrivate(), "k2", VIEWER);
        assertRefused(authenticator, rotated);
        Thread.sleep(2_100);
        assertEquals("viewer-1", authenticator.authenticate(rotated).await(5, TimeUnit.SECONDS).userId());
        assertEquals("viewer-1", authenticator.authenticate(Jws.rs256(FIRST.getPrivate(), "k1", VIEWER)).await(5, TimeUnit.SECONDS).userId());
    }

    @Test
    @DisplayName("a file that turns unreadable or empty keeps the keys already loaded")
    void brokenReloadKeepsTheKeys() throws Exception {
        Authenticator authenticator = authenticator(1);
        Files.writeString(file, "{\"keys\":[]}");
        Thread.sleep(1_100);
        assertRefused(authenticator, Jws.rs256(SECOND.getPrivate(), "k2", VIEWER));
        assertEquals("viewer-1", authenticator.authenticate(Jws.rs256(FIRST.getPrivate(), "k1", VIEWER)).await(5, TimeUnit.SECONDS).userId());
    }

    private Authenticator authenticator(int refreshSeconds) throws Exception {
        Authenticator authenticator = new Authenticator(vertx, new JwtConfig(SECRET, null,
            new JwksSource(file, null, refreshSeconds), TokenRules.defaults(), false));
        authenticator.ready().await(5, TimeUnit.SECONDS);
        return authenticator;
    }

    private static void assertRefused(Authenticator authenticator, String token) {
        RainException e = assertThrows(RainException.class, () -> authenticator.authenticate(token).await(5, TimeUnit.SECONDS));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code(), e.detail());
    }
}
