package dev.rain.common.testing;

import dev.rain.common.ledger.PgConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Finds the real Redis, Kafka and Postgres an integration test runs against.
 *
 * <p>First the environment ({@code RAIN_REDIS_URL}, {@code RAIN_KAFKA_BOOTSTRAP}, {@code RAIN_PG_URL},
 * {@code RAIN_PG_USER}, {@code RAIN_PG_PASSWORD}: what {@code ./rainctl services} prints), then
 * containers where a Docker engine is present, else a failure that says how to start them.
 */
public final class RealServices {

    private static final String HOW_TO_START =
        "Start them with `./rainctl services` and `eval \"$(./rainctl env)\"`, or run the whole suite with `./rainctl test`.";

    private static volatile RealServices instance;

    private final String redisUrl;
    private final String kafkaBootstrap;
    private final PgConfig postgres;

    private RealServices(String redisUrl, String kafkaBootstrap, PgConfig postgres) {
        this.redisUrl = redisUrl;
        this.kafkaBootstrap = kafkaBootstrap;
        this.postgres = postgres;
    }

    public static synchronized RealServices get() {
        if (instance == null) {
            instance = fromEnvironment();
            if (instance == null) {
                instance = fromContainers();
            }
        }
        return instance;
    }

    public String redisUrl() {
        return redisUrl;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** The server's own database; tests should use {@link #freshDatabase(String)} instead. */
    public PgConfig postgres() {
        return postgres;
    }

    /**
     * A new, empty database on the same server, so a test's "sum of all balances" sees only its own money.
     * Not migrated: {@code Database.connect} does that.
     */
    public PgConfig freshDatabase(String purpose) {
        String name = ("rain_it_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        String url = postgres.jdbcUrl();
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return postgres.withUrl(base.substring(0, base.lastIndexOf('/') + 1) + name + params);
    }

    private static RealServices fromEnvironment() {
        String redis = System.getenv("RAIN_REDIS_URL");
        String kafka = System.getenv("RAIN_KAFKA_BOOTSTRAP");
        String pg = System.getenv("RAIN_PG_URL");
        if (redis == null && kafka == null && pg == null) {
            return null;
        }
        if (redis == null || kafka == null || pg == null) {
            throw new IllegalStateException("RAIN_REDIS_URL, RAIN_KAFKA_BOOTSTRAP and RAIN_PG_URL must all be set "
                + "(have redis=" + redis + ", kafka=" + kafka + ", pg=" + pg + "). " + HOW_TO_START);
        }
        return new RealServices(redis, kafka, new PgConfig(pg, env("RAIN_PG_USER", "rain"),
            env("RAIN_PG_PASSWORD", "rain"), 8));
    }

    @SuppressWarnings("resource")
    private static RealServices fromContainers() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("No Redis, Kafka and Postgres for the integration tests: the RAIN_* "
                + "variables are unset and there is no Docker engine. " + HOW_TO_START);
        }
        GenericContainer<?> redis = new GenericContainer<>("redis:7.2").withExposedPorts(6379)
            .withCommand("redis-server", "--appendonly", "yes", "--appendfsync", "everysec");
        GenericContainer<?> postgres = new GenericContainer<>("postgres:15").withExposedPorts(5432)
            .withEnv("POSTGRES_USER", "rain").withEnv("POSTGRES_PASSWORD", "rain").withEnv("POSTGRES_DB", "rain")
            .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
        KafkaContainerOnFixedPort kafka = new KafkaContainerOnFixedPort();
        redis.start();
        postgres.start();
        kafka.start();
        return new RealServices("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379),
            kafka.bootstrap(),
            new PgConfig("jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432) + "/rain",
                "rain", "rain", 8));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
