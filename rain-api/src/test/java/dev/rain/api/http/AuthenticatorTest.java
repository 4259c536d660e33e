package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.Jws;
import dev.rain.api.config.JwtConfig;
import dev.rain.api.config.TokenRules;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token verification in both configurations, with tokens built by hand ({@link Jws}): real RSA keys made
 * here, HMACs and RSA signatures from the JDK, never from the library under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticatorTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long!";
    private static final String ROLES = "[\"viewer\",\"anchor\"]";

    private final KeyPair platform = Jws.rsaKeyPair(2048);
    private final KeyPair stranger = Jws.rsaKeyPair(2048);
    private final String platformPem = Jws.pem(platform.getPublic());
    private Vertx vertx;
    private Authenticator hs256;
    private Authenticator rs256;

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        hs256 = new Authenticator(vertx, JwtConfig.hs256(SECRET));
        rs256 = new Authenticator(vertx, JwtConfig.rs256(platformPem));
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("an HS256 token signed with the secret names its caller and roles")
    void validHs256TokenIsAccepted() throws Exception {
        Caller caller = hs256.authenticate(Jws.hs256(SECRET, Jws.claims("viewer-1", ROLES, 60))).await(5, TimeUnit.SECONDS);
        assertEquals("viewer-1", caller.userId());
        assertEquals(Set.of("viewer", "anchor"), caller.roles());
    }

    @Test
    @DisplayName("an RS256 token signed with the platform's private key names its caller and roles")
    void validRs256TokenIsAccepted() throws Exception {
        Caller caller = rs256.authenticate(Jws.rs256(platform.getPrivate(), Jws.claims("anchor-1", "[\"anchor\"]", 60)))
            .await(5, TimeUnit.SECONDS);
        assertEquals("anchor-1", caller.userId());
        assertEquals(Set.of("anchor"), caller.roles());
    }

    @Test
    @DisplayName("a token accepted once is accepted again, and a copy of it with another signature is still refused")
    void verifiedTokenIsRememberedExactly() throws Exception {
        String token = Jws.hs256(SECRET, Jws.claims("viewer-cached", ROLES, 60));
        assertEquals("viewer-cached", hs256.authenticate(token).await(5, TimeUnit.SECONDS).userId());
        assertEquals("viewer-cached", hs256.authenticate(token).await(5, TimeUnit.SECONDS).userId());
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertRefused(hs256, forged);
    }

    @Test
    @DisplayName("the IM platform's role service is granted like the other known roles")
    void serviceRoleIsGranted() throws Exception {
        Caller caller = hs256.authenticate(Jws.hs256(SECRET, Jws.claims("im-1", "[\"service\"]", 60)))
            .await(5, TimeUnit.SECONDS);
        assertEquals(Set.of("service"), caller.roles());
    }

    @Test
    @DisplayName("unknown roles are dropped, not granted")
    void unknownRolesAreDropped() throws Exception {
        Caller caller = hs256.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", "[\"root\",\"viewer\",\"ADMIN\"]", 60)))
            .await(5, TimeUnit.SECONDS);
        assertEquals(Set.of("viewer"), caller.roles());
    }

    Stream<Arguments> hs256Refusals() {
        String good = Jws.claims("viewer-1", ROLES, 60);
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("alg none without a signature", Jws.unsigned(good, "")));
        cases.add(Arguments.of("alg none with a junk signature", Jws.unsigned(good, "c2ln")));
        cases.add(Arguments.of("alg None", Jws.signingInput("{\"alg\":\"None\"}", good) + ".c2ln"));
        cases.add(Arguments.of("no alg", Jws.hmac("HS256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"typ\":\"JWT\"}", good)));
        cases.add(Arguments.of("HS384 with the same secret",
            Jws.hmac("HS384", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS384\"}", good)));
        cases.add(Arguments.of("HS512 with the same secret",
            Jws.hmac("HS512", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS512\"}", good)));
        cases.add(Arguments.of("RS256 from some key", Jws.rs256(stranger.getPrivate(), good)));
        cases.add(Arguments.of("a wrong secret", Jws.hs256(SECRET + "x", good)));
        cases.add(Arguments.of("a payload changed after signing", tamper(Jws.hs256(SECRET, good),
            Jws.claims("viewer-1", "[\"admin\"]", 60))));
        cases.add(Arguments.of("a critical header extension",
            Jws.hmac("HS256", SECRET.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}", good)));
        cases.addAll(claimRefusals(payload -> Jws.hs256(SECRET, payload)));
        cases.addAll(shapeRefusals());
        return cases.stream();
    }

    Stream<Arguments> rs256Refusals() {
        String good = Jws.claims("anchor-1", ROLES, 60);
        byte[] pemBytes = platformPem.getBytes(StandardCharsets.US_ASCII);
        List<Arguments> cases = new ArrayList<>();
        // Key confusion: a verifier that let the token pick the algorithm would take the public key, which
        // everyone may know, as the HMAC secret.
        cases.add(Arguments.of("HS256 signed with the public key's PEM as the secret",
            Jws.hmac("HS256", pemBytes, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good)));
        cases.add(Arguments.of("HS256 signed with the public key's PEM, trimmed, as the secret",
            Jws.hmac("HS256", platformPem.trim().getBytes(StandardCharsets.US_ASCII), "{\"alg\":\"HS256\"}", good)));
        cases.add(Arguments.of("HS256 signed with the public key's DER as the secret",
            Jws.hmac("HS256", platform.getPublic().getEncoded(), "{\"alg\":\"HS256\"}", good)));
        cases.add(Arguments.of("HS512 signed with the public key's PEM as the secret",
            Jws.hmac("HS512", pemBytes, "{\"alg\":\"HS512\"}", good)));
        cases.add(Arguments.of("alg none without a signature", Jws.unsigned(good, "")));
        cases.add(Arguments.of("alg none with a junk signature", Jws.unsigned(good, "c2ln")));
        cases.add(Arguments.of("RS256 signed by another key", Jws.rs256(stranger.getPrivate(), good)));
        cases.add(Arguments.of("RS512 by the platform's key",
            Jws.rsa("SHA512withRSA", platform.getPrivate(), "{\"alg\":\"RS512\"}", good)));
        cases.add(Arguments.of("RS256 header over an RS512 signature",
            Jws.rsa("SHA512withRSA", platform.getPrivate(), "{\"alg\":\"RS256\"}", good)));
        cases.add(Arguments.of("PS256 header over an RS256 signature",
            Jws.rsa("SHA256withRSA", platform.getPrivate(), "{\"alg\":\"PS256\"}", good)));
        cases.add(Arguments.of("a payload changed after signing", tamper(Jws.rs256(platform.getPrivate(), good),
            Jws.claims("anchor-1", "[\"admin\"]", 60))));
        cases.add(Arguments.of("an embedded jwk of the attacker's key",
            Jws.rsa("SHA256withRSA", stranger.getPrivate(), "{\"alg\":\"RS256\",\"jwk\":{\"kty\":\"RSA\",\"n\":\""
                + Jws.b64("n") + "\",\"e\":\"AQAB\"}}", good)));
        cases.addAll(claimRefusals(payload -> Jws.rs256(platform.getPrivate(), payload)));
        cases.addAll(shapeRefusals());
        return cases.stream();
    }

    @ParameterizedTest(name = "HS256 configured: {0}")
    @MethodSource("hs256Refusals")
    @DisplayName("with HS256 configured, a token that is not a valid HS256 token with the contract's claims is refused")
    void hs256Refuses(String name, String token) {
        assertRefused(hs256, token);
    }

    @ParameterizedTest(name = "RS256 configured: {0}")
    @MethodSource("rs256Refusals")
    @DisplayName("with RS256 configured, a token that is not a valid RS256 token with the contract's claims is refused")
    void rs256Refuses(String name, String token) {
        assertRefused(rs256, token);
    }

    @Test
    @DisplayName("with an issuer and an audience configured, only a token with that iss and an aud holding that value passes")
    void issuerAndAudienceWhenConfigured() throws Exception {
        Authenticator strict = new Authenticator(vertx, new JwtConfig(SECRET, null, null,
            new TokenRules("https://id.example", "rain-api", 86_400, 30), false));
        String[] accepted = {"\"iss\":\"https://id.example\",\"aud\":\"rain-api\"",
            "\"iss\":\"https://id.example\",\"aud\":[\"x\",\"rain-api\"]"};
        for (String claims : accepted) {
            assertEquals("u-1", strict.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, claims))).await(5, TimeUnit.SECONDS).userId());
        }
        String[] refused = {"\"aud\":\"rain-api\"", "\"iss\":\"https://id.example\"", "\"iss\":\"HTTPS://id.example\",\"aud\":\"rain-api\"",
            "\"iss\":\"https://id.example\",\"aud\":\"rain\"", "\"iss\":\"https://id.example\",\"aud\":[]",
            "\"iss\":\"https://id.example\",\"aud\":{\"rain-api\":1}", "\"iss\":[\"https://id.example\"],\"aud\":\"rain-api\""};
        for (String claims : refused) {
            assertRefused(strict, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, claims)));
        }
    }

    @Test
    @DisplayName("without an issuer or audience configured, tokens with any or none are taken as before")
    void noIssuerOrAudienceConfigured() throws Exception {
        assertEquals("u-1", hs256.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, "\"iss\":\"x\",\"aud\":\"y\"")))
            .await(5, TimeUnit.SECONDS).userId());
    }

    @Test
    @DisplayName("a token living longer than the maximum is refused, by exp - iat or by exp from now; at the maximum it passes")
    void lifetimeIsBounded() throws Exception {
        Authenticator hourly = new Authenticator(vertx, new JwtConfig(SECRET, null, null, new TokenRules(null, null, 3_600, 30), false));
        long now = Jws.now();
        // 10 s under the bound: the claims take "now" again, and a second may pass in between.
        assertEquals("u-1", hourly.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 3_590, "\"iat\":" + now)))
            .await(5, TimeUnit.SECONDS).userId());
        assertRefused(hourly, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 3_700)));
        assertRefused(hourly, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, "\"iat\":" + (now - 3_600))));
        assertRefused(hourly, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, "\"iat\":\"" + now + "\"")));
    }

    @Test
    @DisplayName("the clock skew tolerates an issuer a little ahead or behind: iat and nbf 20 s ahead and exp 20 s ago pass, 40 s do not")
    void clockSkewIsBounded() throws Exception {
        long now = Jws.now();
        for (String claims : new String[] {"\"iat\":" + (now + 20), "\"nbf\":" + (now + 20)}) {
            assertEquals("u-1", hs256.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, claims))).await(5, TimeUnit.SECONDS).userId());
            assertRefused(hs256, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, 60, claims.replace(Long.toString(now + 20), Long.toString(now + 40)))));
        }
        assertEquals("u-1", hs256.authenticate(Jws.hs256(SECRET, Jws.claims("u-1", ROLES, -20))).await(5, TimeUnit.SECONDS).userId());
        assertRefused(hs256, Jws.hs256(SECRET, Jws.claims("u-1", ROLES, -40)));
    }

    @Test
    @DisplayName("an RS256 deployment cannot mint tokens: it holds only the public key")
    void rs256CannotMint() {
        assertThrows(IllegalStateException.class, () -> rs256.mint("u", Set.of("viewer"), 60));
    }

    private interface Signer {
        String sign(String payload);
    }

    private static List<Arguments> claimRefusals(Signer signer) {
        long now = System.currentTimeMillis() / 1000;
        return List.of(
            Arguments.of("no exp", signer.sign("{\"sub\":\"u-1\",\"roles\":" + ROLES + "}")),
            Arguments.of("exp past the clock skew", signer.sign(Jws.claims("u-1", ROLES, -60))),
            Arguments.of("exp a string", signer.sign("{\"sub\":\"u-1\",\"roles\":" + ROLES + ",\"exp\":\"" + (now + 60) + "\"}")),
            Arguments.of("no sub", signer.sign("{\"roles\":" + ROLES + ",\"exp\":" + (now + 60) + "}")),
            Arguments.of("sub empty", signer.sign(Jws.claims("", ROLES, 60))),
            Arguments.of("sub with a space", signer.sign(Jws.claims("u 1", ROLES, 60))),
            Arguments.of("sub of 65 characters", signer.sign(Jws.claims("u".repeat(65), ROLES, 60))),
            Arguments.of("sub with a Cyrillic homoglyph", signer.sign(Jws.claims("\\u0430dmin", ROLES, 60))),
            Arguments.of("sub with a zero-width space", signer.sign(Jws.claims("u\\u200b1", ROLES, 60))),
            Arguments.of("sub with an RTL override", signer.sign(Jws.claims("u\\u202e1", ROLES, 60))),
            Arguments.of("sub with NUL", signer.sign(Jws.claims("u\\u00001", ROLES, 60))),
            Arguments.of("sub a number", signer.sign("{\"sub\":42,\"roles\":" + ROLES + ",\"exp\":" + (now + 60) + "}")),
            Arguments.of("roles a string", signer.sign(Jws.claims("u-1", "\"admin\"", 60))),
            Arguments.of("no roles", signer.sign("{\"sub\":\"u-1\",\"exp\":" + (now + 60) + "}")),
            Arguments.of("not yet valid (nbf in an hour)", signer.sign("{\"sub\":\"u-1\",\"roles\":" + ROLES + ",\"exp\":"
                + (now + 7200) + ",\"nbf\":" + (now + 3600) + "}")));
    }

    private static List<Arguments> shapeRefusals() {
        return List.of(
            Arguments.of("an empty token", ""),
            Arguments.of("one part", "abc"),
            Arguments.of("two parts", "abc.def"),
            Arguments.of("four parts", "a.b.c.d"),
            Arguments.of("empty parts", ".."),
            Arguments.of("a header that is not JSON", Jws.b64("alg") + ".e30.c2ln"),
            Arguments.of("a header that is a JSON array", Jws.b64("[\"HS256\"]") + ".e30.c2ln"),
            Arguments.of("padding in base64", Jws.b64("{\"alg\":\"HS256\"}") + "==.e30.c2ln"),
            Arguments.of("5,000 characters", "a".repeat(2_000) + "." + "b".repeat(2_000) + "." + "c".repeat(1_000)));
    }

    private static String tamper(String token, String payload) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Jws.b64(payload) + "." + parts[2];
    }

    private static void assertRefused(Authenticator authenticator, String token) {
        Exception e = assertThrows(Exception.class, () -> authenticator.authenticate(token).await(5, TimeUnit.SECONDS));
        assertTrue(e instanceof RainException, "a RainException, not " + e);
        RainException refused = (RainException) e;
        assertEquals(ErrorCode.UNAUTHORIZED, refused.code(), refused.detail());
        for (String part : token.split("\\.")) {
            if (part.length() >= 4) {
                assertFalse(refused.detail().contains(part), "the refusal echoes the token: " + refused.detail());
            }
        }
    }
}
