package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.config.ApiConfig;
import dev.rain.api.redis.RedisClients;
import dev.rain.common.ledger.Database;
import dev.rain.common.ledger.LedgerAudit;
import dev.rain.common.ledger.PgConfig;
import dev.rain.common.testing.RealServices;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A whole rain system for one test class, on the real services: a fresh database, its own topics, one
 * API instance and one settlement consumer in this JVM.
 */
public final class ApiHarness implements AutoCloseable {

    public static final String SECRET = "integration-test-secret-of-at-least-32-bytes";

    /** Accounts whose balance differs from their credits minus their debits in the journal: 0 in a sound ledger. */
    private final RealServices services = RealServices.get();
    private final PgConfig postgres;
    private final String topic;
    private final Vertx vertx;
    private final RainApi api;
    private final Database ledger;
    private final SettlementProcess consumer;
    private final Vertx testVertx = Vertx.vertx();
    private final Redis redis;
    public final ApiClient client;
    private final java.util.List<RainApi> extras = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Map<String, String> overrides;

    public ApiHarness(String purpose) throws Exception {
        this(purpose, Map.of());
    }

    /** {@code overrides} replace or add environment variables of the API and the consumer. */
    public ApiHarness(String purpose, Map<String, String> overrides) throws Exception {
        this.overrides = Map.copyOf(overrides);
        this.postgres = services.freshDatabase(purpose);
        this.topic = "rain.settlement.it." + purpose + "." + UUID.randomUUID().toString().substring(0, 8);
        createTopics(services.kafkaBootstrap(), topic, topic + ".dlq");
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        this.api = RainApi.start(vertx, config(freePort(), "it-" + purpose)).await(60, TimeUnit.SECONDS);
        this.ledger = Database.connect(postgres, "it-ledger");
        this.consumer = SettlementProcess.start(environment(), "rain-settlement-it-" + purpose);
        this.client = new ApiClient(api.config().httpPort());
        // Built like the API's own, so on Redis Cluster it routes each key to its master too.
        this.redis = RedisClients.commands(testVertx, config(0, "it-test-client"));
    }

    public ApiConfig config(int port, String instanceId) {
        return ApiConfig.fromEnv(environment()).withInstance(port, instanceId);
    }

    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("RAIN_REDIS_URL", services.redisUrl());
        env.put("RAIN_KAFKA_BOOTSTRAP", services.kafkaBootstrap());
        env.put("RAIN_PG_URL", postgres.jdbcUrl());
        env.put("RAIN_PG_USER", postgres.user());
        env.put("RAIN_PG_PASSWORD", postgres.password());
        env.put("RAIN_PG_POOL_SIZE", "6");
        env.put("RAIN_SETTLEMENT_TOPIC", topic);
        env.put("RAIN_SETTLEMENT_DLQ_TOPIC", topic + ".dlq");
        env.put("RAIN_JWT_SECRET", SECRET);
        env.put("RAIN_HTTP_HOST", "127.0.0.1");
        env.put("RAIN_HTTP_INSTANCES", "2");
        // Every instance in this JVM gets a management port of its own (RainApi.managementPort()).
        env.put("RAIN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("RAIN_MANAGEMENT_PORT", "0");
        env.put("RAIN_FINISHER_INTERVAL_MS", "100");
        env.put("RAIN_OUTBOX_STALE_MS", "1000");
        env.put("RAIN_CONSUMER_HEALTH_PORT", Integer.toString(freePort()));
        // Every test request comes from 127.0.0.1, bursts of 500 viewers included: limits out of the
        // way here; RateLimitIT starts an instance with small ones.
        env.put("RAIN_LIMIT_IP_PER_SECOND", "1000000");
        env.put("RAIN_LIMIT_IP_BURST", "10000000");
        env.put("RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", "1000000");
        env.put("RAIN_LIMIT_GRAB_PER_VIEWER_BURST", "10000000");
        env.put("RAIN_LIMIT_UNKNOWN_CODE_PER_IP_PER_MINUTE", "1000000");
        env.putAll(overrides);
        return env;
    }

    /** Another API instance on the same services, with some variables changed; stopped with the harness. */
    public RainApi startInstance(String id, Map<String, String> overrides) throws Exception {
        Map<String, String> env = environment();
        env.putAll(overrides);
        RainApi extra = RainApi.start(vertx, ApiConfig.fromEnv(env).withInstance(freePort(), id))
            .await(60, TimeUnit.SECONDS);
        extras.add(extra);
        return extra;
    }

    public String topic() {
        return topic;
    }

    public String token(String userId, String... roles) {
        return api.authenticator().mint(userId, Set.of(roles), 3600);
    }

    /** An admin deposit, asserted to succeed. */
    public void deposit(String userId, long amount) {
        ApiClient.Answer answer = client.post("/v1/wallets/" + userId + "/deposits", token("admin-1", "admin"),
            new JsonObject().put("amount", amount).put("reference", "it-" + UUID.randomUUID()));
        if (answer.status() != 201) {
            throw new IllegalStateException("deposit failed: " + answer.raw());
        }
    }

    /** A Redis client of the test's own, to look at (or tamper with) what the API keeps there. */
    /**
     * Funds {@code anchor} with the rain's {@code totalAmount}, creates the rain {@code body} describes as theirs,
     * prepares and starts it, each step asserted to succeed: its config code.
     */
    public String runningRain(String anchor, JsonObject body) {
        deposit(anchor, body.getLong("totalAmount"));
        String token = token(anchor, "anchor");
        ApiClient.Answer created = client.post("/v1/rains", token, body);
        assertEquals(201, created.status(), created.raw());
        String code = created.body().getString("configCode");
        for (String step : new String[] {"prepare", "start"}) {
            ApiClient.Answer answer = client.post("/v1/rains/" + code + "/" + step, token, null);
            assertEquals(200, answer.status(), answer.raw());
        }
        return code;
    }

    public Redis redis() {
        return redis;
    }

    /** Packets still in the rain's lists, over all its shards. */
    public long packetsInRedis(String code, int shards) throws Exception {
        long total = 0;
        for (int shard = 0; shard < shards; shard++) {
            total += redis.send(Request.cmd(Command.LLEN).arg(RainKeys.packets(code, shard)))
                .await(10, TimeUnit.SECONDS).toLong();
        }
        return total;
    }

    /** Polls the rain's detail until it reaches {@code status}, for at most 60 s. */
    public JsonObject awaitStatus(String code, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonObject detail = null;
        while (System.currentTimeMillis() < deadline) {
            detail = client.get("/v1/rains/" + code, token("someone", "viewer")).body();
            if (status.equals(detail.getString("status"))) {
                return detail;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("rain " + code + " never reached " + status + ": " + detail);
    }

    public RainApi api() {
        return api;
    }

    public Database ledger() {
        return ledger;
    }

    public String redisUrl() {
        return environment().get("RAIN_REDIS_URL");
    }

    public String kafkaBootstrap() {
        return services.kafkaBootstrap();
    }

    public long queryLong(String sql, Object... args) throws SQLException {
        return ledger.inTransaction(c -> {
            try (var statement = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    statement.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The rain's credited grabs in the ledger: packetId to viewer and amount. */
    public Map<String, Won> credits(String code) throws SQLException {
        return ledger.inTransaction(c -> {
            Map<String, Won> credited = new HashMap<>();
            try (var select = c.prepareStatement(
                "SELECT biz_id, user_id, amount FROM transfers WHERE kind = 'GRAB' AND config_code = ?")) {
                select.setString(1, code);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        credited.put(rs.getString(1), new Won(rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return credited;
        });
    }

    /**
     * The contract's money invariants for a finished rain, from the ledger and from the reconciliation endpoint
     * (read with {@code anchorToken}): funded == credited + refunded, an empty escrow, no negative balance, balances
     * that add up to the deposits, every account at its journal's sum, no viewer over the rain's cap, and a balanced
     * report that agrees.
     */
    public void assertBooksBalanced(String code, String anchorToken) throws SQLException {
        LedgerAudit.RainBooks rain = ledger.inTransaction(c -> LedgerAudit.rain(c, code));
        assertEquals(List.of(), rain.problems(), "the rain's books");
        assertEquals(0L, rain.escrowBalance(), "escrow left");
        assertEquals(List.of(), ledger.inTransaction(LedgerAudit::books).problems(), "the whole ledger's books");
        long funded = rain.funded();
        long credited = rain.credited();
        long refunded = rain.refunded();
        ApiClient.Answer report = client.get("/v1/rains/" + code + "/reconciliation", anchorToken);
        assertEquals(200, report.status(), report.raw());
        assertEquals(funded, report.body().getLong("funded"), "reconciliation funded");
        assertEquals(credited, report.body().getLong("credited"), "reconciliation credited");
        assertEquals(refunded, report.body().getLong("refunded"), "reconciliation refunded");
        assertEquals(0L, report.body().getLong("inFlight"), "reconciliation in flight");
        assertTrue(report.body().getBoolean("balanced"), report.raw());
    }

    /** A fingerprint of everything money-related, to prove a refused request changed nothing. */
    public String ledgerFingerprint() throws SQLException {
        return ledger.inTransaction(c -> {
            StringBuilder out = new StringBuilder();
            for (String sql : new String[] {
                "SELECT count(*), coalesce(sum(balance), 0) FROM accounts",
                "SELECT count(*), coalesce(sum(amount), 0) FROM transfers",
                "SELECT count(*), coalesce(string_agg(config_code || status, ',' ORDER BY config_code), '') FROM rains",
                "SELECT count(*), 0 FROM deposits"}) {
                try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                    rs.next();
                    out.append(rs.getString(1)).append('/').append(rs.getString(2)).append(';');
                }
            }
            return out.toString();
        });
    }

    /** Every chat group membership with its join time, to prove a refused request changed no group. */
    public String membershipsFingerprint() throws SQLException {
        return ledger.inTransaction(c -> {
            StringBuilder out = new StringBuilder();
            try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT group_id, user_id, joined_at FROM group_members ORDER BY group_id, user_id")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('/').append(rs.getString(2)).append('@')
                        .append(rs.getTimestamp(3)).append(';');
                }
            }
            return out.toString();
        });
    }

    /** The consumer the harness started, in group {@code rain-settlement-it-<purpose>}. */
    public SettlementProcess consumer() {
        return consumer;
    }

    public SettlementProcess startConsumer(String group) throws Exception {
        return SettlementProcess.start(environment(), group);
    }

    @Override
    public void close() throws Exception {
        consumer.close();
        for (RainApi extra : extras) {
            extra.stop().await(30, TimeUnit.SECONDS);
        }
        api.stop().await(30, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        redis.close();
        testVertx.close().await(10, TimeUnit.SECONDS);
        ledger.close();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void createTopics(String bootstrap, String... names) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(java.util.Arrays.stream(names).map(n -> new NewTopic(n, 4, (short) 1)).toList())
                .all().get(30, TimeUnit.SECONDS);
        }
    }

}
