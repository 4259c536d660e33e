package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/** The demo sign-in exists only in demo mode, hands out no admin, and funds anchors through the ledger. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoModeIT {

    private ApiHarness system;
    private ApiClient demo;
    /** What the API logged at WARN while the demo instance started. */
    private List<ILoggingEvent> startWarnings;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("demo");
        Logger apiLog = (Logger) LoggerFactory.getLogger(RainApi.class);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        apiLog.addAppender(captured);
        try {
            // The harness binds 127.0.0.1, which demo mode allows without RAIN_DEMO_ALLOW_NON_LOOPBACK.
            demo = new ApiClient(system.startInstance("it-demo-on", Map.of("RAIN_DEMO_MODE", "true")).config().httpPort());
        } finally {
            apiLog.detachAppender(captured);
        }
        startWarnings = captured.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("production mode has no demo routes: tokens and money cannot be minted")
    void productionHasNoDemoRoutes() throws Exception {
        String before = system.ledgerFingerprint();
        ApiClient.Answer token = system.client.post("/demo/token", null, new JsonObject().put("userId", "mallory").put("role", "anchor"));
        ApiClient.Answer deposit = system.client.post("/demo/deposits", system.token("mallory", "anchor"),
            new JsonObject().put("amount", 100));
        assertEquals(404, token.status());
        assertEquals(404, deposit.status());
        assertEquals(before, system.ledgerFingerprint());
    }

    @Test
    @DisplayName("readiness says demo mode is on and still answers 200; production readiness says nothing of it")
    void readinessTellsDemoMode() {
        ApiClient.Answer ready = demo.get("/health/ready", null);
        assertEquals(200, ready.status(), ready.raw());
        assertEquals("UP", ready.body().getString("status"));
        assertEquals(Boolean.TRUE, ready.body().getBoolean("demo"), ready.raw());
        ApiClient.Answer production = system.client.get("/health/ready", null);
        assertEquals(200, production.status(), production.raw());
        assertFalse(production.body().containsKey("demo"), production.raw());
    }

    @Test
    @DisplayName("a demo instance warns at start that anyone reaching it may mint tokens and money")
    void demoModeWarnsAtStart() {
        assertEquals(1, startWarnings.size(), startWarnings.toString());
        String warning = startWarnings.get(0).getFormattedMessage();
        assertTrue(warning.contains("DEMO MODE") && warning.contains("/demo/token") && warning.contains("/demo/deposits"),
            warning);
    }

    @Test
    @DisplayName("a demo token is accepted by the API with exactly the role asked for")
    void demoTokenCarriesTheRole() {
        String userId = "demo-viewer-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer answer = demo.post("/demo/token", null, new JsonObject().put("userId", userId).put("role", "viewer"));
        assertEquals(201, answer.status(), answer.raw());
        String token = answer.body().getString("token");
        assertEquals(userId, demo.get("/v1/wallets/me", token).body().getString("userId"));
        // A viewer token cannot create a rain.
        assertEquals(403, demo.post("/v1/rains", token, new JsonObject().put("roomId", "room-1")
            .put("totalAmount", 100).put("totalCount", 1)).status());
    }

    @Test
    @DisplayName("demo sign-in refuses the admin role and malformed user ids")
    void demoTokenRefusesAdminAndBadIds() {
        assertEquals(400, demo.post("/demo/token", null, new JsonObject().put("userId", "ops").put("role", "admin")).status());
        assertEquals(400, demo.post("/demo/token", null, new JsonObject().put("userId", "a b").put("role", "viewer")).status());
        assertEquals(400, demo.post("/demo/token", null, new JsonObject().put("userId", "x").put("role", "viewer")
            .put("roles", "admin")).status());
    }

    @Test
    @DisplayName("a demo anchor's top-up is a ledger deposit; a viewer cannot top up")
    void anchorTopUpGoesThroughTheLedger() throws Exception {
        String anchorId = "demo-anchor-" + UUID.randomUUID().toString().substring(0, 8);
        String anchor = demo.post("/demo/token", null, new JsonObject().put("userId", anchorId).put("role", "anchor"))
            .body().getString("token");
        ApiClient.Answer topUp = demo.post("/demo/deposits", anchor, new JsonObject().put("amount", 250_000));
        assertEquals(201, topUp.status(), topUp.raw());
        assertEquals(250_000, topUp.body().getLong("balance"));
        assertEquals(250_000, system.queryLong("SELECT balance FROM accounts WHERE account_id = ?", "wallet:" + anchorId));
        assertEquals(1, system.queryLong("SELECT count(*) FROM transfers WHERE kind = 'DEPOSIT' AND user_id = ?", anchorId));

        String viewer = demo.post("/demo/token", null, new JsonObject().put("userId", "demo-v").put("role", "viewer"))
            .body().getString("token");
        assertEquals(403, demo.post("/demo/deposits", viewer, new JsonObject().put("amount", 100)).status());
        assertEquals(400, demo.post("/demo/deposits", anchor, new JsonObject().put("amount", 100_000_000)).status());
    }
}
