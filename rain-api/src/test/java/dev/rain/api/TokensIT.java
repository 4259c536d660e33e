package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 * An API configured for RS256 with a platform's public key, tokens signed here by hand ({@link Jws}); and
 * a demo-mode instance beside it, whose printed token and minting recipe must work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensIT {

    private final KeyPair platform = Jws.rsaKeyPair(2048);
    private final KeyPair attacker = Jws.rsaKeyPair(2048);
    private final String pem = Jws.pem(platform.getPublic());
    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        // A blank variable counts as unset: the harness's HS256 secret is taken away.
        system = new ApiHarness("tokens", Map.of("RAIN_JWT_ALGORITHM", "RS256", "RAIN_JWT_PUBLIC_KEY", pem,
            "RAIN_JWT_SECRET", ""));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("tokens signed with the platform's private key work end to end: an admin deposits, the user reads it")
    void platformTokensWork() {
        String admin = Jws.rs256(platform.getPrivate(), Jws.claims("ops-1", "[\"admin\"]", 300));
        ApiClient.Answer deposit = system.client.post("/v1/wallets/rs-user/deposits", admin,
            new JsonObject().put("amount", 500).put("reference", "rs-topup-1"));
        assertEquals(201, deposit.status(), deposit.raw());
        ApiClient.Answer wallet = system.client.get("/v1/wallets/me",
            Jws.rs256(platform.getPrivate(), Jws.claims("rs-user", "[\"viewer\"]", 300)));
        assertEquals(200, wallet.status(), wallet.raw());
        assertEquals("rs-user", wallet.body().getString("userId"));
        assertEquals(500L, wallet.body().getLong("balance"));
    }

    Stream<Arguments> forgedAdminTokens() {
        String admin = Jws.claims("ops-evil", "[\"admin\"]", 300);
        byte[] pemBytes = pem.getBytes(StandardCharsets.US_ASCII);
        long now = System.currentTimeMillis() / 1000;
        return Stream.of(
            Arguments.of("alg none", Jws.unsigned(admin, "")),
            Arguments.of("HS256 with the public key as the secret", Jws.hmac("HS256", pemBytes, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", admin)),
            Arguments.of("HS256 with the public key's DER as the secret",
                Jws.hmac("HS256", platform.getPublic().getEncoded(), "{\"alg\":\"HS256\"}", admin)),
            Arguments.of("RS256 by another key", Jws.rs256(attacker.getPrivate(), admin)),
            Arguments.of("RS512 by the platform's key", Jws.rsa("SHA512withRSA", platform.getPrivate(), "{\"alg\":\"RS512\"}", admin)),
            Arguments.of("expired a minute ago, past the 30 s clock skew", Jws.rs256(platform.getPrivate(), Jws.claims("ops-1", "[\"admin\"]", -60))),
            Arguments.of("no exp", Jws.rs256(platform.getPrivate(), "{\"sub\":\"ops-1\",\"roles\":[\"admin\"]}")),
            Arguments.of("exp as a string", Jws.rs256(platform.getPrivate(),
                "{\"sub\":\"ops-1\",\"roles\":[\"admin\"],\"exp\":\"" + (now + 300) + "\"}")),
            Arguments.of("sub with an RTL override", Jws.rs256(platform.getPrivate(), Jws.claims("ops\\u202e1", "[\"admin\"]", 300))),
            Arguments.of("sub of 65 characters", Jws.rs256(platform.getPrivate(), Jws.claims("o".repeat(65), "[\"admin\"]", 300))),
            Arguments.of("exp two days away, no iat", Jws.rs256(platform.getPrivate(), Jws.claims("ops-1", "[\"admin\"]", 2 * 86_400))),
            Arguments.of("exp ten years away", Jws.rs256(platform.getPrivate(), Jws.claims("ops-1", "[\"admin\"]", 3_650L * 86_400))),
            Arguments.of("issued two days ago, exp in five minutes", Jws.rs256(platform.getPrivate(),
                Jws.claims("ops-1", "[\"admin\"]", 300, "\"iat\":" + (now - 2 * 86_400)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedAdminTokens")
    @DisplayName("a forged or bad admin token cannot deposit: 401 problem+json that does not echo the token, nothing changed")
    void forgedTokensAreRefused(String name, String token) throws Exception {
        String before = system.ledgerFingerprint();
        ApiClient.Answer answer = system.client.post("/v1/wallets/ops-evil/deposits", token,
            new JsonObject().put("amount", 1_000_000).put("reference", "forged-1"));
        assertEquals(401, answer.status(), answer.raw());
        assertEquals("application/problem+json", answer.contentType());
        assertEquals("UNAUTHORIZED", answer.code(), answer.raw());
        assertEquals(401, answer.body().getInteger("status"));
        for (String part : token.split("\\.")) {
            if (part.length() >= 4) {
                assertFalse(answer.raw().contains(part), "the answer echoes the token: " + answer.raw());
            }
        }
        assertEquals(before, system.ledgerFingerprint());
    }

    @Test
    @DisplayName("a token issued up to the default 30 s clock skew in the future, from a platform whose clock is ahead, is accepted")
    void platformClockAheadIsTolerated() {
        String token = Jws.rs256(platform.getPrivate(), Jws.claims("rs-skew", "[\"viewer\"]", 300, "\"iat\":" + (Jws.now() + 10)));
        ApiClient.Answer wallet = system.client.get("/v1/wallets/me", token);
        assertEquals(200, wallet.status(), wallet.raw());
    }

    @Test
    @DisplayName("with RAIN_JWT_ISSUER and RAIN_JWT_AUDIENCE set, a token without that iss or without that aud gets 401 problem+json")
    void issuerAndAudienceAreRequiredWhenConfigured() throws Exception {
        RainApi strict = system.startInstance("it-tokens-iss-aud", Map.of("RAIN_JWT_ISSUER", "https://id.example",
            "RAIN_JWT_AUDIENCE", "rain-api"));
        ApiClient client = new ApiClient(strict.config().httpPort());
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("\"iss\":\"https://id.example\",\"aud\":\"rain-api\"", 200);
        expected.put("\"iss\":\"https://id.example\",\"aud\":[\"other\",\"rain-api\"]", 200);
        expected.put("\"aud\":\"rain-api\"", 401);
        expected.put("\"iss\":\"https://evil.example\",\"aud\":\"rain-api\"", 401);
        expected.put("\"iss\":\"https://id.example/\",\"aud\":\"rain-api\"", 401);
        expected.put("\"iss\":\"https://id.example\"", 401);
        expected.put("\"iss\":\"https://id.example\",\"aud\":\"other\"", 401);
        expected.put("\"iss\":\"https://id.example\",\"aud\":[\"other\"]", 401);
        expected.put("\"iss\":\"https://id.example\",\"aud\":42", 401);
        expected.forEach((claims, status) -> {
            ApiClient.Answer answer = client.get("/v1/wallets/me",
                Jws.rs256(platform.getPrivate(), Jws.claims("rs-aud", "[\"viewer\"]", 300, claims)));
            assertEquals(status, answer.status(), claims + ": " + answer.raw());
            if (status == 401) {
                assertEquals("application/problem+json", answer.contentType(), claims);
                assertEquals("UNAUTHORIZED", answer.code(), claims);
            }
        });
    }

    @Test
    @DisplayName("RS256 keys come by kid from a JWKS URL; a key added there is fetched when a token names it, at most once a second")
    void jwksUrlKeysRotate() throws Exception {
        KeyPair next = Jws.rsaKeyPair(2048);
        AtomicReference<String> document = new AtomicReference<>(Jws.jwks("k1", platform.getPublic()));
        AtomicInteger fetches = new AtomicInteger();
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                fetches.incrementAndGet();
                request.response().putHeader("Content-Type", "application/jwk-set+json").end(document.get());
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            RainApi rotating = system.startInstance("it-tokens-jwks", Map.of("RAIN_JWT_ALGORITHM", "RS256",
                "RAIN_JWT_PUBLIC_KEY", "", "RAIN_JWT_JWKS_URL", "http://127.0.0.1:" + server.actualPort() + "/jwks.json",
                "RAIN_JWT_JWKS_REFRESH_SECONDS", "1"));
            ApiClient client = new ApiClient(rotating.config().httpPort());
            String viewer = Jws.claims("rs-jwks", "[\"viewer\"]", 300);
            assertEquals(200, client.get("/v1/wallets/me", Jws.rs256(platform.getPrivate(), "k1", viewer)).status());
            assertEquals(401, client.get("/v1/wallets/me", Jws.rs256(next.getPrivate(), "k2", viewer)).status(), "unknown kid");
            assertEquals(401, client.get("/v1/wallets/me", Jws.rs256(next.getPrivate(), "k1", viewer)).status(), "kid of another key");

            document.set(Jws.jwks("k1", platform.getPublic(), "k2", next.getPublic()));
            Thread.sleep(1_100);
            ApiClient.Answer rotated = client.get("/v1/wallets/me", Jws.rs256(next.getPrivate(), "k2", viewer));
            assertEquals(200, rotated.status(), rotated.raw());
            int before = fetches.get();
            for (int i = 0; i < 5; i++) {
                assertEquals(401, client.get("/v1/wallets/me", Jws.rs256(next.getPrivate(), "k" + (3 + i), viewer)).status());
            }
            // One refresh a second at most: five quick tokens naming unknown keys fetch once, twice if a second passed.
            assertTrue(fetches.get() - before <= 2, "fetches for five unknown kids: " + (fetches.get() - before));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("the room WebSocket refuses a token signed with the public key as an HMAC secret")
    void webSocketRefusesKeyConfusion() throws Exception {
        String token = Jws.hmac("HS256", pem.getBytes(StandardCharsets.US_ASCII), "{\"alg\":\"HS256\"}",
            Jws.claims("v-1", "[\"viewer\"]", 300));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", system.api().config().httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/rooms/room-1/events?access_token=" + token + " HTTP/1.1\r\nHost: rain\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 401", new String(head, StandardCharsets.US_ASCII));
        }
    }

    @Test
    @DisplayName("demo mode without a secret prints a token that works and a rainctl line that mints more that work")
    void demoModeInstructionsWork() throws Exception {
        RainApi demo = system.startInstance("it-tokens-demo", Map.of("RAIN_JWT_ALGORITHM", "HS256", "RAIN_JWT_PUBLIC_KEY", "",
            "RAIN_DEMO_MODE", "true"));
        assertTrue(DemoMode.applies(demo.config()));
        String text = DemoMode.instructions(demo.config(), demo.authenticator());
        List<String> lines = text.lines().map(String::trim).toList();
        String token = lines.get(lines.indexOf(lines.stream().filter(l -> l.startsWith("A 24 h token")).findFirst().orElseThrow()) + 1);
        ApiClient client = new ApiClient(demo.config().httpPort());
        ApiClient.Answer me = client.get("/v1/wallets/me", token);
        assertEquals(200, me.status(), me.raw());
        assertEquals(DemoMode.DEMO_USER, me.body().getString("userId"));

        String mint = lines.stream().filter(l -> l.contains("./rainctl token")).findFirst().orElseThrow()
            .replace("<userId> <viewer|anchor|admin|service[,...]>", "demo-viewer-7 viewer");
        Process process = new ProcessBuilder("bash", "-c", mint).directory(repositoryRoot()).redirectErrorStream(false).start();
        String minted = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        ApiClient.Answer viewer = client.get("/v1/wallets/me", minted);
        assertEquals(200, viewer.status(), viewer.raw());
        assertEquals("demo-viewer-7", viewer.body().getString("userId"));

        // The two instances share nothing but the services: each accepts only its own algorithm.
        assertEquals(401, client.get("/v1/wallets/me", Jws.rs256(platform.getPrivate(), Jws.claims("x", "[\"viewer\"]", 60))).status());
        assertEquals(401, system.client.get("/v1/wallets/me", minted).status());
    }

    private static File repositoryRoot() {
        File dir = new File("").getAbsoluteFile();
        while (dir != null && !new File(dir, "rainctl").isFile()) {
            dir = dir.getParentFile();
        }
        assertNotNull(dir, "rainctl not found above " + new File("").getAbsolutePath());
        return dir;
    }
}
