package dev.rain.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.ApiHarness;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The abuse limits on real Redis: an instance with small limits that trusts 127.0.0.1 as its proxy,
 * and test clients on addresses of their own in 127.0.0.0/8. Rains are set up through the harness's
 * own instance, whose limits are out of the way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {

    private static final int IP_BURST = 6;
    private static final int GRAB_BURST = 3;
    private static final int UNKNOWN_BUDGET = 3;

    private ApiHarness system;
    private int strictPort;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("ratelimit");
        strictPort = system.startInstance("it-ratelimit-strict", Map.of(
            "RAIN_LIMIT_IP_PER_SECOND", "1",
            "RAIN_LIMIT_IP_BURST", Integer.toString(IP_BURST),
            "RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", "1",
            "RAIN_LIMIT_GRAB_PER_VIEWER_BURST", Integer.toString(GRAB_BURST),
            "RAIN_LIMIT_UNKNOWN_CODE_PER_IP_PER_MINUTE", Integer.toString(UNKNOWN_BUDGET),
            "RAIN_TRUSTED_PROXIES", "127.0.0.1")).config().httpPort();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("a viewer hammering one rain gets 429 with Retry-After after its burst; another viewer is unaffected")
    void viewerHammeringOneRainIsLimited() throws Exception {
        String code = runningRain("room-rl-grab");
        String body = new JsonObject().put("roomId", "room-rl-grab").encode();
        PeerClient hammer = peer();
        String token = system.token("rl-hammer", "viewer");
        // The bucket refills at 1 a second, and on a loaded machine a few taps can take that long: count what
        // got through against what the limit allows over the time the taps really took.
        long started = System.nanoTime();
        int allowed = 0;
        PeerClient.Answer refused = null;
        for (int i = 0; i < GRAB_BURST + 10 && refused == null; i++) {
            PeerClient.Answer answer = hammer.send("POST", "/v1/rains/" + code + "/grab", token, body, Map.of());
            if (answer.status() == 200) {
                allowed++;
            } else {
                refused = answer;
            }
        }
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertTrue(refused != null, "never limited");
        assertRateLimited(refused);
        assertTrue(allowed >= GRAB_BURST && allowed <= GRAB_BURST + seconds + 1,
            allowed + " grabs got through in " + seconds + " s");

        PeerClient.Answer other = peer().send("POST", "/v1/rains/" + code + "/grab",
            system.token("rl-bystander", "viewer"), body, Map.of());
        assertEquals(200, other.status(), other.body());
        assertEquals("WON", other.json().getString("outcome"));
    }

    @Test
    @DisplayName("one address gets 429 with Retry-After after its burst of requests; another address is unaffected")
    void oneAddressIsLimited() throws Exception {
        PeerClient flood = peer();
        String token = system.token("rl-flood", "viewer");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < IP_BURST; i++) {
            statuses.add(flood.send("GET", "/v1/wallets/me", token, null, Map.of()).status());
        }
        assertEquals(List.of(200, 200, 200, 200, 200, 200), statuses);
        assertRateLimited(flood.send("GET", "/v1/wallets/me", token, null, Map.of()));
        assertRateLimited(flood.send("GET", "/v1/wallets/me", null, null, Map.of()));
        assertEquals(200, peer().send("GET", "/v1/wallets/me", token, null, Map.of()).status());
    }

    @Test
    @DisplayName("a refused address is answered 429 before its body is read: announcing one and sending none changes nothing")
    void refusedBeforeTheBodyIsRead() throws Exception {
        PeerClient flood = peer();
        String token = system.token("rl-body", "viewer");
        for (int i = 0; i < IP_BURST; i++) {
            flood.send("GET", "/v1/wallets/me", token, null, Map.of());
        }
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(flood.source(), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", strictPort), 5_000);
            // Far below the request deadline: an answer this soon did not wait for the body.
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(("POST /v1/rains HTTP/1.1\r\nHost: rain\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: 10000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 429", head);
        }
    }

    @Test
    @DisplayName("one address hammering two instances at once never gets more than its burst and its rate, leases or not")
    void leasesNeverExceedTheLimit() throws Exception {
        int otherPort = system.startInstance("it-ratelimit-strict-2", Map.of(
            "RAIN_LIMIT_IP_PER_SECOND", "1",
            "RAIN_LIMIT_IP_BURST", Integer.toString(IP_BURST),
            "RAIN_TRUSTED_PROXIES", "127.0.0.1")).config().httpPort();
        String address = PeerClient.randomLoopback();
        String token = system.token("rl-leases", "viewer");
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger limited = new java.util.concurrent.atomic.AtomicInteger();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            PeerClient client = new PeerClient(address, t % 2 == 0 ? strictPort : otherPort);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    try {
                        int status = client.send("GET", "/v1/wallets/me", token, null, Map.of()).status();
                        (status == 200 ? allowed : status == 429 ? limited : new java.util.concurrent.atomic.AtomicInteger())
                            .incrementAndGet();
                    } catch (java.io.IOException e) {
                        // Counted as neither: the total below fails.
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        // At most the burst and what refilled meanwhile; fewer is allowed (a lease lapsing unused on a stalled
        // thread loses its leftovers), more never.
        assertTrue(allowed.get() >= 1 && allowed.get() <= IP_BURST + seconds + 1,
            allowed.get() + " of 80 requests got through in " + seconds + " s");
        assertEquals(80, allowed.get() + limited.get());
    }

    @Test
    @DisplayName("a fresh address sending 3 requests then 30 at once, far below its burst, gets no 429 and is charged about 33")
    void honestBurstIsChargedWhatItSends() throws Exception {
        int burstPort = system.startInstance("it-ratelimit-burst", Map.of(
            "RAIN_LIMIT_IP_PER_SECOND", "1",
            "RAIN_LIMIT_IP_BURST", "100")).config().httpPort();
        String address = PeerClient.randomLoopback();
        PeerClient client = new PeerClient(address, burstPort);
        String token = system.token("rl-nat", "viewer");
        long started = System.nanoTime();
        List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(client.send("GET", "/v1/wallets/me", token, null, Map.of()).status());
        }
        // Connected first, then all sent at once: the 30 requests reach the instance together, as a NAT's viewers'
        // taps do, and miss the lease together.
        List<java.net.Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sockets.add(client.connect());
        }
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> viewers = new ArrayList<>();
        for (java.net.Socket socket : sockets) {
            Thread viewer = new Thread(() -> {
                try (socket) {
                    go.await();
                    statuses.add(PeerClient.exchange(socket, "GET", "/v1/wallets/me", token, null, Map.of()).status());
                } catch (Exception e) {
                    statuses.add(-1);
                }
            });
            viewer.start();
            viewers.add(viewer);
        }
        go.countDown();
        for (Thread viewer : viewers) {
            viewer.join();
        }
        long refilled = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
        assertEquals(33, statuses.stream().filter(status -> status == 200).count(), "statuses " + statuses);
        // What the bucket holds against the address: every request's token, plus leftovers of a lease sized by the
        // address's rate. A one-off burst gets no such lease (the rate must have held for two lease windows), so the
        // leftovers stay under half the burst even if it straddles windows: 33 + 16, less what refilled at 1/s.
        long charged = chargedTokens("ratelimit:{ip:" + address + "}:requests", 1_000_000);
        assertTrue(charged + refilled >= 33 && charged <= 33 + 16,
            "the bucket holds " + charged + " tokens for 33 requests (" + refilled + " s of refill)");
    }

    /** Tokens a GCRA bucket holds against its client now: how far its arrival time is ahead of Redis's clock. */
    private long chargedTokens(String key, long intervalMicros) throws Exception {
        var redis = system.redis();
        var tat = redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.GET).arg(key))
            .await(10, java.util.concurrent.TimeUnit.SECONDS);
        var time = redis.send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.TIME))
            .await(10, java.util.concurrent.TimeUnit.SECONDS);
        long now = time.get(0).toLong() * 1_000_000 + time.get(1).toLong();
        return tat == null ? 0 : Math.max(0, (tat.toLong() - now + intervalMicros - 1) / intervalMicros);
    }

    @Test
    @DisplayName("the room WebSocket route spends the address's budget too: sockets cannot be opened without limit")
    void roomEventsAreLimitedPerAddress() throws Exception {
        PeerClient flood = peer();
        String token = system.token("rl-sockets", "viewer");
        for (int i = 0; i < IP_BURST; i++) {
            // Not an upgrade (the client says Connection: close): answered 400, and counted.
            assertEquals(400, flood.send("GET", "/v1/rooms/room-rl-ws/events", token, null, Map.of()).status());
        }
        assertRateLimited(flood.send("GET", "/v1/rooms/room-rl-ws/events", token, null, Map.of()));
    }

    @Test
    @DisplayName("unknown codes get 404 until the address's budget is spent, then 429, even for a rain that exists")
    void unknownCodesCannotBeEnumerated() throws Exception {
        String existing = runningRain("room-rl-enum");
        PeerClient prober = peer();
        String token = system.token("rl-prober", "viewer");
        for (int i = 0; i < UNKNOWN_BUDGET; i++) {
            PeerClient.Answer miss = prober.send("GET", "/v1/rains/" + randomCode(), token, null, Map.of());
            assertEquals(404, miss.status(), miss.body());
            assertEquals("RAIN_NOT_FOUND", miss.code());
        }
        assertRateLimited(prober.send("GET", "/v1/rains/" + randomCode(), token, null, Map.of()));
        assertRateLimited(prober.send("GET", "/v1/rains/" + existing, token, null, Map.of()));
        assertEquals(200, prober.send("GET", "/v1/wallets/me", token, null, Map.of()).status(),
            "routes that name no rain are still open");
        assertEquals(200, peer().send("GET", "/v1/rains/" + existing, token, null, Map.of()).status());
    }

    @Test
    @DisplayName("X-Forwarded-For from an untrusted peer does not change its bucket")
    void spoofedForwardedForIsIgnored() throws Exception {
        PeerClient spoofer = peer();
        String token = system.token("rl-spoofer", "viewer");
        for (int i = 0; i < IP_BURST; i++) {
            assertEquals(200, spoofer.send("GET", "/v1/wallets/me", token, null,
                Map.of("X-Forwarded-For", PeerClient.randomLoopback())).status());
        }
        assertRateLimited(spoofer.send("GET", "/v1/wallets/me", token, null,
            Map.of("X-Forwarded-For", "198.51.100." + (1 + (int) (Math.random() * 250)))));
    }

    @Test
    @DisplayName("X-Forwarded-For from the trusted proxy names the client: its bucket, not the proxy's")
    void trustedProxyForwardsTheClient() throws Exception {
        PeerClient proxy = new PeerClient("127.0.0.1", strictPort);
        String token = system.token("rl-proxied", "viewer");
        String client = "203.0.113." + (1 + (int) (Math.random() * 250));
        String other = client.equals("203.0.113.251") ? "203.0.113.252" : "203.0.113.251";
        // A forged entry on the left is what the client wrote: it must not pick the bucket.
        for (int i = 0; i < IP_BURST; i++) {
            assertEquals(200, proxy.send("GET", "/v1/wallets/me", token, null,
                Map.of("X-Forwarded-For", PeerClient.randomLoopback() + ", " + client)).status());
        }
        assertRateLimited(proxy.send("GET", "/v1/wallets/me", token, null, Map.of("X-Forwarded-For", client)));
        assertEquals(200, proxy.send("GET", "/v1/wallets/me", token, null, Map.of("X-Forwarded-For", other)).status(),
            "another client behind the same proxy has its own bucket");
    }

    private static void assertRateLimited(PeerClient.Answer answer) {
        assertEquals(429, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.headers().get("content-type"));
        assertEquals("RATE_LIMITED", answer.code());
        long retryAfter = Long.parseLong(answer.headers().get("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    private PeerClient peer() {
        return new PeerClient(PeerClient.randomLoopback(), strictPort);
    }

    private String runningRain(String room) {
        return system.runningRain("rl-anchor-" + UUID.randomUUID().toString().substring(0, 8), new JsonObject()
            .put("roomId", room).put("totalAmount", 10_000).put("totalCount", 100).put("maxGrabsPerUser", 10)
            .put("countdownSeconds", 0).put("durationSeconds", 300));
    }

    private static String randomCode() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
