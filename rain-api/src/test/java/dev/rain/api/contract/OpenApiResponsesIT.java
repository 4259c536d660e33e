package dev.rain.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rain.api.ApiClient;
import dev.rain.api.ApiHarness;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Served answers against the served /openapi.yaml: each route's happy path and one refusal, the body validated
 * against the operation's response schema (strictly: no member the document does not list) and the headers it
 * declares required present.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiResponsesIT {

    private static final String ROOM = "room-openapi";
    private static final String ANCHOR = "anchor-openapi";

    private ApiHarness system;
    private ApiClient client;
    private OpenApiDocument document;
    private final List<String> mismatches = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        // A small grab burst, so one viewer's third tap is a 429 to hold to the document too.
        system = new ApiHarness("openapi", Map.of(
            "RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", "1", "RAIN_LIMIT_GRAB_PER_VIEWER_BURST", "2"));
        client = system.client;
        document = new OpenApiDocument(JsonSchemas.YAML.readTree(client.get("/openapi.yaml", null).raw()));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("every route's happy path and one refusal answer as the document's response schema and headers say")
    void servedAnswersMatchTheDocument() throws Exception {
        walletRoutes();
        String code = rainLifecycle();
        readRoutes(code);
        String anchor = system.token(ANCHOR, "anchor");
        check("POST", "/v1/rains/{code}/close", 200, client.post("/v1/rains/" + code + "/close", anchor, null));
        check("POST", "/v1/rains/{code}/close", 401, client.post("/v1/rains/" + code + "/close", null, null));
        check("GET", "/v1/rooms/{roomId}/events", 400, client.get("/v1/rooms/" + ROOM + "/events", system.token("viewer-openapi", "viewer")));
        check("GET", "/health/live", 200, client.get("/health/live", null));
        check("GET", "/health/ready", 200, client.get("/health/ready", null));
        check("GET", "/app/{page}", 404, client.get("/app/no-such-page.html", null));
        assertEquals(List.of(), mismatches, "answers the document does not describe");
    }

    private void walletRoutes() {
        String admin = system.token("admin-1", "admin");
        JsonObject deposit = new JsonObject().put("amount", 1_000).put("reference", "openapi-1");
        check("POST", "/v1/wallets/{userId}/deposits", 201, client.post("/v1/wallets/" + ANCHOR + "/deposits", admin, deposit));
        check("POST", "/v1/wallets/{userId}/deposits", 409, client.post("/v1/wallets/" + ANCHOR + "/deposits", admin,
            deposit.copy().put("amount", 2_000)));
        check("GET", "/v1/wallets/me", 200, client.get("/v1/wallets/me", system.token(ANCHOR, "anchor")));
        check("GET", "/v1/wallets/me", 400, client.get("/v1/wallets/me?limit=100000", system.token(ANCHOR, "anchor")));
    }

    /** Creates, prepares, starts and grabs, each with a refusal: the rain's code. */
    private String rainLifecycle() {
        system.deposit(ANCHOR, 10_000);
        String anchor = system.token(ANCHOR, "anchor");
        JsonObject body = new JsonObject().put("roomId", ROOM).put("totalAmount", 5_000).put("totalCount", 10)
            .put("countdownSeconds", 0).put("durationSeconds", 300);
        ApiClient.Answer created = client.post("/v1/rains", anchor, body);
        check("POST", "/v1/rains", 201, created);
        check("POST", "/v1/rains", 400, client.post("/v1/rains", anchor, body.copy().put("colour", "red")));
        String code = created.body().getString("configCode");
        for (String step : new String[] {"prepare", "start"}) {
            check("POST", "/v1/rains/{code}/" + step, 200, client.post("/v1/rains/" + code + "/" + step, anchor, null));
            check("POST", "/v1/rains/{code}/" + step, 409, client.post("/v1/rains/" + code + "/" + step, anchor, null));
        }
        String viewer = system.token("viewer-openapi", "viewer");
        String grab = "/v1/rains/" + code + "/grab";
        check("POST", "/v1/rains/{code}/grab", 200, client.post(grab, viewer, new JsonObject().put("roomId", ROOM)));
        check("POST", "/v1/rains/{code}/grab", 200, client.post(grab, viewer, new JsonObject().put("roomId", ROOM)));
        check("POST", "/v1/rains/{code}/grab", 429, client.post(grab, viewer, new JsonObject().put("roomId", ROOM)));
        check("POST", "/v1/rains/{code}/grab", 403, client.post(grab, system.token("viewer-elsewhere", "viewer"),
            new JsonObject().put("roomId", "another-room")));
        return code;
    }

    private void readRoutes(String code) throws InterruptedException {
        String anchor = system.token(ANCHOR, "anchor");
        String viewer = system.token("viewer-openapi", "viewer");
        awaitSettled(code, viewer);
        check("GET", "/v1/rains/{code}", 200, client.get("/v1/rains/" + code, viewer));
        check("GET", "/v1/rains/{code}", 404, client.get("/v1/rains/AAAAAAAAAAAAAAAAAAAAAA", viewer));
        check("GET", "/v1/rains/{code}/records", 200, client.get("/v1/rains/" + code + "/records?limit=1", viewer));
        check("GET", "/v1/rains/{code}/records", 400, client.get("/v1/rains/" + code + "/records?after=%00", viewer));
        check("GET", "/v1/rains/{code}/reconciliation", 200, client.get("/v1/rains/" + code + "/reconciliation", anchor));
        check("GET", "/v1/rains/{code}/reconciliation", 403, client.get("/v1/rains/" + code + "/reconciliation", viewer));
    }

    private void awaitSettled(String code, String token) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (client.get("/v1/rains/" + code, token).body().getLong("settledCount") < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "the grab was never settled");
            Thread.sleep(100);
        }
    }

    /** Records, rather than throws, what differs from the document, so one run lists every mismatch. */
    private void check(String method, String path, int status, ApiClient.Answer answer) {
        String where = method + " " + path + " " + status + ": ";
        if (answer.status() != status) {
            mismatches.add(where + "answered " + answer.status() + " " + answer.raw());
            return;
        }
        JsonNode response = document.response(document.operation(method, path), answer.status());
        if (response.isMissingNode()) {
            mismatches.add(where + "no response documented");
            return;
        }
        requiredHeaders(response).stream().filter(name -> answer.headers().firstValue(name).isEmpty())
            .forEach(name -> mismatches.add(where + "header " + name + " missing"));
        String mediaType = answer.contentType().split(";")[0].trim();
        if (mediaType.endsWith("json")) {
            try {
                JsonSchemas.violations(document.strictBodySchema(response, mediaType), JsonSchemas.JSON.readTree(answer.raw()))
                    .forEach(violation -> mismatches.add(where + violation + " in " + answer.raw()));
            } catch (Exception | AssertionError e) {
                mismatches.add(where + e.getMessage());
            }
        }
    }

    private List<String> requiredHeaders(JsonNode response) {
        List<String> names = new ArrayList<>();
        response.path("headers").fields().forEachRemaining(header -> {
            if (document.resolved(header.getValue()).path("required").asBoolean(false)) {
                names.add(header.getKey());
            }
        });
        return names;
    }
}
