package dev.rain.settlement.config;

import dev.rain.common.config.Env;
import dev.rain.common.config.KafkaSecurity;
import dev.rain.common.ledger.PgConfig;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the settlement consumer is told by its environment, read and checked once at start-up and
 * passed into constructors; nothing else reads the environment.
 *
 * @param kafkaSecurity how the loops' consumers and dead-letter producers authenticate to Kafka, or PLAINTEXT
 * @param maxBatch   {@code max.poll.records}: the most claims applied in one database transaction
 * @param maxTries   how often one record may fail deterministically before it goes to the dead-letter topic
 * @param loops      poll loops in this process, each a consumer of the group with a ledger transaction of its
 *                   own in flight: while one waits for Postgres to answer, another's statements run
 * @param healthPort port of the health and metrics endpoint; 0 picks a free one (tests)
 */
public record ConsumerConfig(
    String kafkaBootstrap,
    KafkaSecurity kafkaSecurity,
    String topic,
    String deadLetterTopic,
    String group,
    PgConfig postgres,
    int maxBatch,
    int maxTries,
    int loops,
    int healthPort) {

    /** Kafka's legal topic names; checked here so a typo fails at start-up, not at the first dead letter. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern BOOTSTRAP = Pattern.compile("[^,\\s]+:\\d{1,5}(,[^,\\s]+:\\d{1,5})*");
    /** The most poll loops one process runs. */
    private static final int MAX_LOOPS = 16;

    public ConsumerConfig {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(kafkaSecurity, "kafkaSecurity");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(postgres, "postgres");
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1, was " + loops);
        }
    }

    public static ConsumerConfig fromEnv(Map<String, String> env) {
        // Every problem of one start-up attempt at once, so a deployment is fixed in one round.
        Env read = Env.collecting(env);
        String bootstrap = read.required("RAIN_KAFKA_BOOTSTRAP", BOOTSTRAP, "host:port[,host:port...]");
        KafkaSecurity security = KafkaSecurity.fromEnv(read);
        String topic = read.matching("RAIN_SETTLEMENT_TOPIC", "rain.settlement.v1", TOPIC, "a Kafka topic name");
        String dlq = read.matching("RAIN_SETTLEMENT_DLQ_TOPIC", "rain.settlement.v1.dlq", TOPIC, "a Kafka topic name");
        String group = read.matching("RAIN_SETTLEMENT_GROUP", "rain-settlement", Pattern.compile("\\S{1,255}"),
            "a consumer group id without spaces");
        String pgUrl = read.required("RAIN_PG_URL", Pattern.compile("jdbc:postgresql:.+"), "jdbc:postgresql://host:port/db");
        String pgUser = read.required("RAIN_PG_USER", Pattern.compile(".+"), "a user name");
        String pgPassword = read.required("RAIN_PG_PASSWORD", Pattern.compile(".*"), "a password");
        int poolSize = read.integer("RAIN_PG_POOL_SIZE", 4, 1, 200);
        int maxBatch = read.integer("RAIN_SETTLEMENT_MAX_BATCH", 2000, 1, 50_000);
        int maxTries = read.integer("RAIN_SETTLEMENT_MAX_TRIES", 3, 1, 100);
        int loops = read.integer("RAIN_SETTLEMENT_LOOPS", 2, 1, MAX_LOOPS);
        int healthPort = read.integer("RAIN_CONSUMER_HEALTH_PORT", 8081, 0, 65_535);
        if (topic.equals(dlq)) {
            read.problem("RAIN_SETTLEMENT_DLQ_TOPIC must differ from RAIN_SETTLEMENT_TOPIC (" + topic
                + "), or poison records would come straight back");
        }
        if (poolSize >= 1 && loops >= 1 && loops <= MAX_LOOPS && poolSize <= loops) {
            // Each loop holds one connection for its transaction, and readiness asks Postgres on one more.
            read.problem("RAIN_PG_POOL_SIZE (" + poolSize + ") must be more than RAIN_SETTLEMENT_LOOPS (" + loops
                + "): a connection for each loop and one for the readiness check");
        }
        read.failIfAnyProblem("settlement consumer");
        return new ConsumerConfig(bootstrap, security, topic, dlq, group, new PgConfig(pgUrl, pgUser, pgPassword, poolSize),
            maxBatch, maxTries, loops, healthPort);
    }

    public ConsumerConfig withGroup(String newGroup) {
        return new ConsumerConfig(kafkaBootstrap, kafkaSecurity, topic, deadLetterTopic, newGroup, postgres, maxBatch, maxTries,
            loops, healthPort);
    }

    public ConsumerConfig withLoops(int newLoops) {
        return new ConsumerConfig(kafkaBootstrap, kafkaSecurity, topic, deadLetterTopic, group, postgres, maxBatch, maxTries,
            newLoops, healthPort);
    }

    @Override
    public String toString() {
        // The password stays out of logs.
        return "ConsumerConfig[kafka=" + kafkaBootstrap + " " + kafkaSecurity + ", topic=" + topic + ", dlq=" + deadLetterTopic + ", group="
            + group + ", pg=" + postgres.jdbcUrl() + " as " + postgres.user() + " (pool " + postgres.poolSize()
            + "), maxBatch=" + maxBatch + ", maxTries=" + maxTries + ", loops=" + loops + ", healthPort=" + healthPort
            + "]";
    }
}
