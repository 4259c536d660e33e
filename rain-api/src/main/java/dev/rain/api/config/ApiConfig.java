package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
import dev.rain.common.config.KafkaSecurity;
import dev.rain.common.ledger.PgConfig;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Everything the API needs, read once from the environment and validated at start-up, then passed
 * into constructors. No handler reads the environment.
 *
 * @param jwt          how bearer tokens are verified (HS256 secret or RS256 public key); in demo mode a
 *                     generated HS256 secret when none is set
 * @param demoMode     local trying-out: a generated secret is allowed and printed with a way to mint tokens;
 *                     refused on a non-loopback host unless RAIN_DEMO_ALLOW_NON_LOOPBACK=true
 * @param management   where /metrics is served: a port of its own, never the public one
 * @param httpTimeouts when idle and slow connections are closed
 * @param rateLimits   the abuse limits kept in Redis, and the proxies whose X-Forwarded-For is believed
 * @param instanceId   names this instance as a finisher lease holder and in logs
 * @param redisClusterNodes seed masters of a Redis Cluster; empty for a single Redis at {@code redisUrl}
 * @param kafkaSecurity how the settlement producer authenticates to Kafka (SASL, TLS) or PLAINTEXT
 * @param maxGroupMembers the most members a chat group may have
 */
public record ApiConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    String redisUrl,
    int redisPoolSize,
    List<String> redisClusterNodes,
    String kafkaBootstrap,
    KafkaSecurity kafkaSecurity,
    String settlementTopic,
    PgConfig postgres,
    JwtConfig jwt,
    boolean demoMode,
    RainLimits limits,
    int maxGroupMembers,
    RateLimitConfig rateLimits,
    int packetsPerShard,
    int maxShards,
    String instanceId,
    long outboxStaleMillis,
    long finisherIntervalMillis,
    HttpTimeouts httpTimeouts,
    ManagementEndpoint management) {

    private static final Pattern REDIS_URL = Pattern.compile("(redis|rediss|unix)://\\S+");
    private static final Pattern BOOTSTRAP = Pattern.compile("[^,\\s]+:\\d{1,5}(,[^,\\s]+:\\d{1,5})*");
    /** Kafka's legal topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql:\\S+");
    /** It names Kafka client ids, leases and log lines. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ApiConfig {
        redisClusterNodes = List.copyOf(redisClusterNodes);
        if (jwt == null || httpTimeouts == null || management == null || kafkaSecurity == null) {
            throw new ConfigException("the token, HTTP timeout, management and Kafka security settings are required");
        }
    }

    public static ApiConfig fromEnv(Map<String, String> environment) {
        Env env = Env.failingFast(environment);
        boolean demo = env.flag("RAIN_DEMO_MODE", false);
        JwtConfig jwt = JwtConfig.fromEnv(env, demo);
        RainLimits limits = RainLimits.fromEnv(env);
        int cores = Runtime.getRuntime().availableProcessors();
        String httpHost = env.string("RAIN_HTTP_HOST", "0.0.0.0");
        int httpPort = env.integer("RAIN_HTTP_PORT", 8080, 0, 65_535);
        DemoBinding.check(env, demo, httpHost);
        return new ApiConfig(
            httpHost,
            httpPort,
            env.integer("RAIN_HTTP_INSTANCES", cores, 1, 64),
            env.matching("RAIN_REDIS_URL", "redis://127.0.0.1:6379", REDIS_URL, "a redis://, rediss:// or unix:// URL"),
            env.integer("RAIN_REDIS_POOL_SIZE", 16, 1, 1024),
            RedisClusterNodes.fromEnv(env),
            env.matching("RAIN_KAFKA_BOOTSTRAP", "127.0.0.1:9092", BOOTSTRAP, "host:port[,host:port...]"),
            KafkaSecurity.fromEnv(env),
            env.matching("RAIN_SETTLEMENT_TOPIC", "rain.settlement.v1", TOPIC, "a Kafka topic name"),
            new PgConfig(
                env.matching("RAIN_PG_URL", "jdbc:postgresql://127.0.0.1:5432/rain", JDBC_URL,
                    "jdbc:postgresql://host:port/db"),
                env.string("RAIN_PG_USER", "rain"),
                env.string("RAIN_PG_PASSWORD", "rain"),
                env.integer("RAIN_PG_POOL_SIZE", 8, 1, 200)),
            jwt,
            demo,
            limits,
            // WeChat's group size.
            env.integer("RAIN_MAX_GROUP_MEMBERS", 500, 1, 100_000),
            RateLimitConfig.fromEnv(env),
            env.integer("RAIN_PACKETS_PER_SHARD", 10_000, 1, 10_000_000),
            env.integer("RAIN_MAX_SHARDS", 128, 1, 16_384),
            env.matching("RAIN_INSTANCE_ID", "api-" + UUID.randomUUID().toString().substring(0, 8), INSTANCE_ID,
                "1 to 64 characters of A-Z a-z 0-9 . _ -"),
            env.number("RAIN_OUTBOX_STALE_MS", 3_000, 100, 600_000),
            env.number("RAIN_FINISHER_INTERVAL_MS", 500, 20, 60_000),
            HttpTimeouts.fromEnv(env),
            ManagementEndpoint.fromEnv(env, httpPort));
    }

    /** A copy with another port and instance id: tests and local runs start several instances. */
    public ApiConfig withInstance(int port, String id) {
        return new ApiConfig(httpHost, port, httpInstances, redisUrl, redisPoolSize, redisClusterNodes, kafkaBootstrap,
            kafkaSecurity, settlementTopic, postgres, jwt, demoMode, limits, maxGroupMembers, rateLimits, packetsPerShard,
            maxShards, id,
            outboxStaleMillis, finisherIntervalMillis, httpTimeouts, management);
    }
}
