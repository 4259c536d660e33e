package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rain.api.config.ApiConfig;
import dev.rain.api.metrics.MeteredVertx;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import dev.rain.common.testing.OpsQueries;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * What an operator sees of one instance: /metrics on the management port after a small rain, the health probes, the OpenAPI
 * document against the routes actually served, request ids and the request log. The instance under test
 * runs on a Vert.x built like RainApiMain's, so Vert.x's own metrics are there too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsEndpointsIT {

    /** Small enough that one viewer tapping 20 times in a row is refused some of them. */
    private static final Map<String, String> GRAB_LIMIT = Map.of(
        "RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", "1", "RAIN_LIMIT_GRAB_PER_VIEWER_BURST", "2");

    private ApiHarness system;
    private Vertx meteredVertx;
    private RainApi api;
    private ApiClient client;
    /** The instance's management port: /metrics is served there only. */
    private ApiClient management;

    @BeforeAll
    void start() throws Exception {
        // No sweeper resends within the test: every claim reaches Kafka through the instance that made it.
        system = new ApiHarness("ops", Map.of("RAIN_OUTBOX_STALE_MS", "600000"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meteredVertx = MeteredVertx.create(new VertxOptions().setEventLoopPoolSize(2), registry);
        Map<String, String> env = system.environment();
        env.putAll(GRAB_LIMIT);
        api = RainApi.start(meteredVertx, ApiConfig.fromEnv(env).withInstance(ApiHarness.freePort(), "it-ops-metered"),
            registry).await(60, TimeUnit.SECONDS);
        client = new ApiClient(api.config().httpPort());
        management = new ApiClient(api.managementPort());
    }

    @AfterAll
    void stop() throws Exception {
        if (api != null) {
            api.stop().await(30, TimeUnit.SECONDS);
        }
        if (meteredVertx != null) {
            meteredVertx.close().await(10, TimeUnit.SECONDS);
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("after a small rain /metrics counts each outcome as answered, and backlog, relay and escrow agree with it")
    void metricsAgreeWithTheAnswers() throws Exception {
        // Other tests grab on this instance too: the counters are compared by how much they grew.
        Prometheus before = awaitScrape("a first scrape", m -> true);
        String anchor = "ops-anchor";
        system.deposit(anchor, 50_000);
        String code = createAndStart(anchor, "room-ops", 10_000, 100, null);
        Map<String, Integer> answers = new HashMap<>();
        long won = 0;
        for (int v = 0; v < 30; v++) {
            ApiClient.Answer answer = grab(code, "ops-viewer-" + v, "room-ops");
            assertEquals("WON", answer.body().getString("outcome"), answer.raw());
            won += answer.body().getLong("amount");
            answers.merge("WON", 1, Integer::sum);
        }
        // One viewer over its cap, tapping fast: LIMIT_REACHED until its bucket refuses it with 429.
        for (int tap = 0; tap < 20; tap++) {
            ApiClient.Answer answer = grab(code, "ops-viewer-0", "room-ops");
            answers.merge(answer.status() == 429 ? answer.code() : answer.body().getString("outcome"), 1, Integer::sum);
        }
        ApiClient.Answer wrongRoom = grab(code, "ops-viewer-x", "room-elsewhere");
        assertEquals("WRONG_ROOM", wrongRoom.code(), wrongRoom.raw());
        answers.merge("WRONG_ROOM", 1, Integer::sum);
        assertTrue(answers.getOrDefault("RATE_LIMITED", 0) > 0, "20 quick taps under a 1/s, burst 2 limit: " + answers);

        long remaining = 10_000 - won;
        Prometheus scrape = awaitScrape("the relay, backlog and escrow gauges to catch up", m ->
            m.since(before, "rain_outbox_relayed_total") == 30 && m.value("rain_outbox_backlog") == 0
                && m.value("rain_escrow_balance_minor_units") == runningEscrows());
        // Other tests' rains may be running too: the gauge is the total, this rain's part of it what it has left.
        assertTrue(scrape.value("rain_escrow_balance_minor_units") >= remaining, scrape.lines("rain_escrow"));
        assertTrue(scrape.value("rain_rains", "status", "RUNNING") >= 1, scrape.lines("rain_rains"));
        assertEquals(0.0, scrape.value("rain_rains", "status", "FINISHED"), "finished rains are not counted");

        for (Map.Entry<String, Integer> answered : answers.entrySet()) {
            assertEquals(answered.getValue().doubleValue(), scrape.since(before, "rain_grabs_total", "outcome", answered.getKey()),
                "rain_grabs_total{outcome=" + answered.getKey() + "}");
        }
        int total = answers.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(total, scrape.since(before, "rain_grabs_total"), "every grab counted once");
        assertEquals(0.0, scrape.since(before, "rain_grabs_total", "outcome", "SOLD_OUT"), "never answered");
        assertTrue(scrape.text().contains("rain_grabs_total{outcome=\"SOLD_OUT\"} 0.0"), "pre-registered");
        assertEquals(total, scrape.since(before, "rain_grab_latency_seconds_count"));
        assertEquals(total, scrape.since(before, "rain_grab_latency_seconds_bucket", "le", "+Inf"), "a histogram, not a summary");
        assertTrue(scrape.value("rain_grab_latency_seconds_sum") > 0);
        assertEquals(answers.get("RATE_LIMITED").doubleValue(), scrape.since(before, "rain_rate_limited_total", "limit", "grab"));
        assertEquals(0.0, scrape.value("rain_outbox_backlog"), "every claim relayed and deleted");
        assertEquals(0.0, scrape.value("rain_outbox_oldest_age_seconds"));
        assertEquals(0.0, scrape.value("rain_outbox_deferred_total"));
        assertEquals(0.0, scrape.value("rain_reconciliation_anomalies"));
        // Vert.x's own, by route template (never the raw path with its rain code).
        assertEquals(total, scrape.since(before, "vertx_http_server_requests_total", "route", "/v1/rains/:code/grab"),
            scrape.lines("vertx_http_server_requests_total"));
        assertTrue(scrape.names().contains("jvm_memory_used_bytes"), "JVM metrics");
        assertTrue(scrape.names().stream().anyMatch(name -> name.startsWith("vertx_pool_")), "worker pool metrics");
    }

    @Test
    @DisplayName("every API series the Grafana dashboard and the alert rules query is in a real scrape")
    void opsQueriesNameExportedSeries() throws Exception {
        client.get("/health/live", null);
        Prometheus scrape = awaitScrape("a request counted by Vert.x",
            m -> m.names().contains("vertx_http_server_requests_total"));
        Set<String> missing = new TreeSet<>(OpsQueries.seriesStartingWith("rain_", "vertx_", "jvm_"));
        // The consumer's own: SettlementServiceIT holds the queries to its scrape.
        missing.removeIf(name -> name.startsWith("rain_settlement_"));
        missing.removeAll(scrape.names());
        assertEquals(Set.of(), missing, "queried in ops/ but not exported by the API");
    }

    @Test
    @DisplayName("the public port answers /metrics with a 404 problem, whatever the caller")
    void metricsAreNotOnThePublicPort() {
        for (String token : new String[] {null, system.token("ops-metrics-viewer", "viewer"),
                system.token("ops-metrics-admin", "admin")}) {
            ApiClient.Answer answer = client.get("/metrics", token);
            assertEquals(404, answer.status(), answer.raw());
            assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
            assertEquals("NOT_FOUND", answer.code(), answer.raw());
            assertTrue(answer.body().getString("requestId", "").length() > 0, answer.raw());
        }
    }

    @Test
    @DisplayName("no rain code, room or user appears in the metrics of a running rain that was grabbed from")
    void metricsNameNoRainRoomOrUser() throws Exception {
        String anchor = "ops-secret-anchor";
        String room = "room-ops-secret";
        system.deposit(anchor, 5_000);
        String code = createAndStart(anchor, room, 5_000, 10, null);
        String viewer = "ops-secret-viewer";
        assertEquals("WON", grab(code, viewer, room).body().getString("outcome"));
        // Once the gauges have seen this rain running, whatever they would say of it is in the text.
        Prometheus scrape = awaitScrape("the escrow gauge to count the rain", m ->
            m.value("rain_escrow_balance_minor_units") == runningEscrows() && m.value("rain_outbox_relayed_total") >= 1);
        for (String secret : new String[] {code, room, anchor, viewer}) {
            assertFalse(scrape.text().contains(secret), secret + " is in the metrics:\n" + scrape.containing(secret));
        }
    }

    @Test
    @DisplayName("the management port serves Prometheus text and the health probes, and 404 problems elsewhere")
    void managementPortServesMetricsAndHealth() {
        ApiClient.Answer metrics = management.get("/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain; version=0.0.4"), metrics.contentType());
        assertTrue(metrics.raw().contains("# TYPE rain_escrow_balance_minor_units gauge"), metrics.raw());
        assertEquals(200, management.get("/health/live", null).status());
        assertEquals("UP", management.get("/health/ready", null).body().getString("status"));
        ApiClient.Answer elsewhere = management.get("/v1/wallets/me", system.token("v", "viewer"));
        assertEquals(404, elsewhere.status(), elsewhere.raw());
        assertTrue(elsewhere.contentType().startsWith("application/problem+json"), elsewhere.contentType());
    }

    @Test
    @DisplayName("the base address a person opens leads to the home page in one redirect, and /app/ serves it")
    void baseAddressLeadsToTheHomePage() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://127.0.0.1:" + system.api().config().httpPort();
        for (String path : List.of("/", "/app")) {
            HttpResponse<String> redirect = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(302, redirect.statusCode(), path);
            assertEquals("/app/", redirect.headers().firstValue("Location").orElse(""), path);
        }
        HttpResponse<String> home = http.send(HttpRequest.newBuilder(URI.create(base + "/app/")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, home.statusCode(), "/app/ must serve the page, not redirect to itself");
        assertTrue(home.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(home.body().contains("Anchor console"), home.body());
    }

    @Test
    @DisplayName("live answers UP; ready answers 200 when Redis, Kafka and Postgres answer")
    void healthOfAWorkingInstance() {
        ApiClient.Answer live = client.get("/health/live", null);
        assertEquals(200, live.status());
        assertEquals("UP", live.body().getString("status"));
        ApiClient.Answer ready = client.get("/health/ready", null);
        assertEquals(200, ready.status(), ready.raw());
        assertEquals(new JsonObject().put("status", "UP").put("redis", "UP").put("postgres", "UP").put("kafka", "UP"),
            ready.body());
    }

    @Test
    @DisplayName("ready answers 503 naming Redis when Redis is away, and Kafka when Kafka is away, while live stays UP")
    void readinessNamesWhatIsAway() throws Exception {
        int nothing = ApiHarness.freePort();
        RainApi noRedis = system.startInstance("it-ops-no-redis", Map.of("RAIN_REDIS_URL", "redis://127.0.0.1:" + nothing));
        RainApi noKafka = system.startInstance("it-ops-no-kafka", Map.of("RAIN_KAFKA_BOOTSTRAP", "127.0.0.1:" + nothing));

        ApiClient.Answer redisAway = new ApiClient(noRedis.config().httpPort()).get("/health/ready", null);
        assertEquals(503, redisAway.status(), redisAway.raw());
        assertEquals(new JsonObject().put("status", "DOWN").put("redis", "DOWN").put("postgres", "UP").put("kafka", "UP"),
            redisAway.body());
        ApiClient.Answer kafkaAway = new ApiClient(noKafka.config().httpPort()).get("/health/ready", null);
        assertEquals(503, kafkaAway.status(), kafkaAway.raw());
        assertEquals(new JsonObject().put("status", "DOWN").put("redis", "UP").put("postgres", "UP").put("kafka", "DOWN"),
            kafkaAway.body());
        assertEquals(200, new ApiClient(noRedis.config().httpPort()).get("/health/live", null).status());
    }

    @Test
    @DisplayName("a well-formed X-Request-Id comes back in the header and the problem; a malformed one is replaced")
    void requestIdsAreEchoedOrAssigned() {
        ApiClient.Answer given = client.send(client.request("/v1/rains/AAAAAAAAAAAAAAAAAAAAAA", system.token("v", "viewer"))
            .header("X-Request-Id", "trace-4bf92f3577b34da6").GET());
        assertEquals("RAIN_NOT_FOUND", given.code(), given.raw());
        assertEquals("trace-4bf92f3577b34da6", given.body().getString("requestId"));

        HttpResponse<String> replaced = raw(client.request("/health/live", null)
            .header("X-Request-Id", "two words\"").GET());
        String assigned = replaced.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(assigned.matches("[0-9a-f]{16}"), assigned);

        HttpResponse<String> first = raw(client.request("/health/live", null).GET());
        HttpResponse<String> second = raw(client.request("/health/live", null).GET());
        assertNotEquals(first.headers().firstValue("X-Request-Id").orElseThrow(),
            second.headers().firstValue("X-Request-Id").orElseThrow(), "each request gets its own id");
    }

    @Test
    @DisplayName("a change of state is logged as one event carrying its request id, rain code and caller")
    void stateChangesAreLoggedWithRequestIdAndRain() throws Exception {
        Logger requestLog = (Logger) LoggerFactory.getLogger("dev.rain.api.http.RequestLog");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        requestLog.addAppender(captured);
        try {
            system.deposit("ops-log-anchor", 10_000);
            String code = createAndStart("ops-log-anchor", "room-log", 1_000, 10, "it-log-start-1");
            // The line is written when the response has ended, which may be just after the client read it.
            long deadline = System.currentTimeMillis() + 10_000;
            List<ILoggingEvent> start = List.of();
            while (start.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                start = List.copyOf(captured.list).stream()
                    .filter(e -> kv(e).getOrDefault("requestId", "").equals("it-log-start-1")).toList();
            }
            assertEquals(1, start.size(), captured.list.toString());
            assertEquals(Map.of("requestId", "it-log-start-1", "rain", code, "user", "ops-log-anchor"), kv(start.get(0)));
            assertTrue(start.get(0).getFormattedMessage().startsWith("POST /v1/rains/" + code + "/start 200 in "),
                start.get(0).getFormattedMessage());
        } finally {
            requestLog.detachAppender(captured);
        }
    }

    /** Names of routes that are served but are not the API, each with the reason it is left out. */
    private static final Map<String, String> NOT_API_PATHS = Map.of(
        "/", "redirects a browser to the web pages",
        "/app", "redirects a browser to the web pages",
        "/demo/token", "demo mode only: mints tokens for trying the service by hand; never in production",
        "/demo/deposits", "demo mode only: play money for trying the service by hand; never in production");
    /** Documented operations served as static files by a prefix route, not by a route of their own. */
    private static final Map<String, String> STATIC_PAGES = Map.of("GET /app/{page}", "/app/");
    /** Prefix routes: handlers that run ahead of the endpoints under them, or static files. */
    private static final Map<String, String> NOT_API_PREFIXES = Map.of(
        "/v1/", "body limit, per-address rate limit and authentication of every /v1 call",
        "/app/", "the web pages: static files",
        "/demo/", "demo mode only: body limit and rate limit of the demo routes");

    @Test
    @DisplayName("every route the router serves is in /openapi.yaml, and every documented route is served")
    void openApiDocumentsExactlyTheServedRoutes() throws Exception {
        ApiClient.Answer served = client.get("/openapi.yaml", null);
        assertEquals(200, served.status());
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(served.raw());
        assertTrue(document.path("openapi").asText().startsWith("3.1."), "an OpenAPI 3.1 document");

        Set<String> documented = new TreeSet<>();
        Set<String> demoOnly = new TreeSet<>();
        Set<String> operations = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            // Documented for the pages' sake, served only with RAIN_DEMO_MODE=true: this harness is production mode.
            Set<String> into = path.getValue().path("x-demo-only").asBoolean(false) ? demoOnly : documented;
            path.getValue().fieldNames().forEachRemaining(key -> {
                if (operations.contains(key)) {
                    into.add(key.toUpperCase() + " " + path.getKey());
                }
            });
        }

        Set<String> routes = new TreeSet<>();
        Set<String> unexplained = new TreeSet<>();
        for (Route route : api.router().getRoutes()) {
            String path = route.getPath();
            Set<HttpMethod> methods = route.methods() == null ? Set.of() : route.methods();
            if (path == null && !route.isRegexPath()) {
                // Router-wide handlers (request id, request log, problems): they match every request.
                if (!methods.isEmpty()) {
                    unexplained.add("a method-bound route without a path: " + methods);
                }
            } else if (path == null) {
                unexplained.add("a regex route, which the document cannot describe: " + route);
            } else if (!route.isExactPath()) {
                if (!NOT_API_PREFIXES.containsKey(path)) {
                    unexplained.add("prefix route " + path + "* (add it to NOT_API_PREFIXES with a reason, or make it exact)");
                }
            } else if (!NOT_API_PATHS.containsKey(path)) {
                if (methods.isEmpty()) {
                    unexplained.add("route " + path + " answers every method");
                }
                String template = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
                methods.forEach(method -> routes.add(method.name() + " " + template));
            }
        }
        assertEquals(Set.of(), unexplained);
        // Static files: documented as one templated path, served by the prefix route that NOT_API_PREFIXES explains.
        STATIC_PAGES.forEach((operation, prefix) -> {
            boolean servedByPrefix = api.router().getRoutes().stream()
                .anyMatch(route -> prefix.equals(route.getPath()) && !route.isExactPath());
            assertTrue(servedByPrefix, operation + " is documented but no " + prefix + "* route serves it");
            documented.remove(operation);
        });
        Set<String> demoServed = new TreeSet<>(demoOnly);
        demoServed.retainAll(routes);
        assertEquals(Set.of(), demoServed, "demo-only routes served outside demo mode");
        assertTrue(demoOnly.contains("POST /demo/token"), "the demo routes are documented as demo-only: " + demoOnly);
        Set<String> undocumented = new TreeSet<>(routes);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(routes);
        assertEquals(Set.of(), undocumented, "served but not in /openapi.yaml");
        assertEquals(Set.of(), unserved, "in /openapi.yaml but not served");
        assertTrue(routes.contains("POST /v1/rains/{code}/grab") && routes.contains("GET /health/ready"), routes.toString());
        assertFalse(routes.contains("GET /metrics"), "metrics are served on the management port only");
    }

    private String createAndStart(String anchor, String room, long total, int count, String requestId) {
        String token = system.token(anchor, "anchor");
        ApiClient.Answer created = client.post("/v1/rains", token, new JsonObject().put("roomId", room)
            .put("totalAmount", total).put("totalCount", count).put("mode", "LUCKY").put("maxGrabsPerUser", 1)
            .put("countdownSeconds", 0).put("durationSeconds", 300));
        assertEquals(201, created.status(), created.raw());
        String code = created.body().getString("configCode");
        assertEquals(200, client.post("/v1/rains/" + code + "/prepare", token, null).status());
        var start = client.request("/v1/rains/" + code + "/start", token).POST(java.net.http.HttpRequest.BodyPublishers.noBody());
        if (requestId != null) {
            start.header("X-Request-Id", requestId);
        }
        ApiClient.Answer started = client.send(start);
        assertEquals(200, started.status(), started.raw());
        return code;
    }

    /** What the ledger holds in the escrows of running rains, over all of them. */
    private long runningEscrows() {
        try {
            return system.queryLong("SELECT coalesce(sum(a.balance), 0) FROM rains r JOIN accounts a"
                + " ON a.account_id = 'escrow:' || r.config_code WHERE r.status = 'RUNNING'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private ApiClient.Answer grab(String code, String viewer, String room) {
        return client.post("/v1/rains/" + code + "/grab", system.token(viewer, "viewer"), new JsonObject().put("roomId", room));
    }

    private static HttpResponse<String> raw(java.net.http.HttpRequest.Builder request) {
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> kv(ILoggingEvent event) {
        Map<String, String> pairs = new HashMap<>();
        List<KeyValuePair> list = event.getKeyValuePairs();
        if (list != null) {
            list.forEach(pair -> pairs.put(pair.key, String.valueOf(pair.value)));
        }
        return pairs;
    }

    private Prometheus awaitScrape(String what, Predicate<Prometheus> until) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        Prometheus last = null;
        while (System.currentTimeMillis() < deadline) {
            ApiClient.Answer answer = management.get("/metrics", null);
            assertEquals(200, answer.status());
            last = new Prometheus(answer.raw());
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("waited 60 s for " + what + "; last scrape:\n" + last);
    }

    /** The Prometheus text format, read just enough to look up samples by name and labels. */
    record Prometheus(String text) {

        private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        /** The sum of every sample of {@code name} whose labels include the given name/value pairs. */
        double value(String name, String... labels) {
            double sum = 0;
            for (String line : text.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!sample.matches() || !sample.group(1).equals(name)) {
                    continue;
                }
                Map<String, String> present = new HashMap<>();
                Matcher label = LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
                while (label.find()) {
                    present.put(label.group(1), label.group(2));
                }
                boolean matches = true;
                for (int i = 0; i + 1 < labels.length; i += 2) {
                    matches &= labels[i + 1].equals(present.get(labels[i]));
                }
                if (matches) {
                    sum += Double.parseDouble(sample.group(4));
                }
            }
            return sum;
        }

        /** How much {@code value(name, labels)} grew since {@code before}. */
        double since(Prometheus before, String name, String... labels) {
            return value(name, labels) - before.value(name, labels);
        }

        String containing(String text) {
            return text().lines().filter(line -> line.contains(text)).collect(java.util.stream.Collectors.joining("\n"));
        }

        String lines(String name) {
            return text.lines().filter(line -> line.startsWith(name)).collect(java.util.stream.Collectors.joining("\n"));
        }

        Set<String> names() {
            Set<String> names = new TreeSet<>();
            for (String line : text.split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (sample.matches()) {
                    names.add(sample.group(1));
                }
            }
            return names;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
