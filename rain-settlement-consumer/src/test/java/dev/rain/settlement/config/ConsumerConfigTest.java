package dev.rain.settlement.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.KafkaSecurity;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("RAIN_KAFKA_BOOTSTRAP", "127.0.0.1:19092");
        env.put("RAIN_PG_URL", "jdbc:postgresql://127.0.0.1:15432/rain");
        env.put("RAIN_PG_USER", "rain");
        env.put("RAIN_PG_PASSWORD", "secret");
        return env;
    }

    @Test
    @DisplayName("only the connection variables are required; everything else has the documented default")
    void defaults() {
        ConsumerConfig config = ConsumerConfig.fromEnv(minimal());
        assertEquals("127.0.0.1:19092", config.kafkaBootstrap());
        assertEquals("rain.settlement.v1", config.topic());
        assertEquals("rain.settlement.v1.dlq", config.deadLetterTopic());
        assertEquals("rain-settlement", config.group());
        assertEquals(4, config.postgres().poolSize());
        assertEquals(2000, config.maxBatch());
        assertEquals(3, config.maxTries());
        assertEquals(2, config.loops());
        assertEquals(8081, config.healthPort());
    }

    @Test
    @DisplayName("every variable that is set overrides its default")
    void overrides() {
        Map<String, String> env = minimal();
        env.put("RAIN_SETTLEMENT_TOPIC", "t1");
        env.put("RAIN_SETTLEMENT_DLQ_TOPIC", "t1.dead");
        env.put("RAIN_SETTLEMENT_GROUP", "g1");
        env.put("RAIN_PG_POOL_SIZE", "7");
        env.put("RAIN_SETTLEMENT_MAX_BATCH", "500");
        env.put("RAIN_SETTLEMENT_MAX_TRIES", "5");
        env.put("RAIN_SETTLEMENT_LOOPS", "3");
        env.put("RAIN_CONSUMER_HEALTH_PORT", "0");
        ConsumerConfig config = ConsumerConfig.fromEnv(env);
        assertEquals(new ConsumerConfig("127.0.0.1:19092", KafkaSecurity.PLAINTEXT, "t1", "t1.dead", "g1", config.postgres(), 500, 5, 3, 0),
            config);
        assertEquals(7, config.postgres().poolSize());
    }

    @Test
    @DisplayName("a start-up without the required variables names each missing one in a single error")
    void missingRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(Map.of()));
        assertEquals(4, e.problems().size(), e.getMessage());
        for (String name : new String[] {"RAIN_KAFKA_BOOTSTRAP", "RAIN_PG_URL", "RAIN_PG_USER", "RAIN_PG_PASSWORD"}) {
            assertTrue(e.getMessage().contains(name + " is required"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a number that is not an integer is reported with the variable, its range and the bad value")
    void notAnInteger() {
        Map<String, String> env = minimal();
        env.put("RAIN_SETTLEMENT_MAX_BATCH", "lots");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertEquals(java.util.List.of("RAIN_SETTLEMENT_MAX_BATCH must be an integer in 1..50000, was 'lots'"),
            e.problems());
    }

    @Test
    @DisplayName("numbers outside their range are refused, all of them in one error")
    void outOfRange() {
        Map<String, String> env = minimal();
        env.put("RAIN_PG_POOL_SIZE", "0");
        env.put("RAIN_SETTLEMENT_MAX_TRIES", "0");
        env.put("RAIN_SETTLEMENT_LOOPS", "17");
        env.put("RAIN_CONSUMER_HEALTH_PORT", "70000");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @Test
    @DisplayName("a pool without a connection for each loop and one for readiness is refused at start-up")
    void poolTooSmallForTheLoops() {
        Map<String, String> env = minimal();
        env.put("RAIN_SETTLEMENT_LOOPS", "4");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertEquals(java.util.List.of("RAIN_PG_POOL_SIZE (4) must be more than RAIN_SETTLEMENT_LOOPS (4): a "
            + "connection for each loop and one for the readiness check"), e.problems());
        env.put("RAIN_PG_POOL_SIZE", "5");
        assertEquals(4, ConsumerConfig.fromEnv(env).loops());
    }

    @Test
    @DisplayName("a bootstrap list without ports is refused")
    void badBootstrap() {
        Map<String, String> env = minimal();
        env.put("RAIN_KAFKA_BOOTSTRAP", "kafka-1,kafka-2");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("RAIN_KAFKA_BOOTSTRAP must be host:port"), e.getMessage());
    }

    @Test
    @DisplayName("a JDBC URL of another database is refused")
    void notPostgres() {
        Map<String, String> env = minimal();
        env.put("RAIN_PG_URL", "jdbc:mysql://localhost/rain");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("RAIN_PG_URL must be jdbc:postgresql:"), e.getMessage());
    }

    @Test
    @DisplayName("a topic name Kafka would refuse is refused at start-up")
    void badTopic() {
        Map<String, String> env = minimal();
        env.put("RAIN_SETTLEMENT_TOPIC", "rain settlement");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("RAIN_SETTLEMENT_TOPIC must be a Kafka topic name"), e.getMessage());
    }

    @Test
    @DisplayName("the dead-letter topic cannot be the settlement topic itself")
    void deadLetterTopicIsNotTheTopic() {
        Map<String, String> env = minimal();
        env.put("RAIN_SETTLEMENT_DLQ_TOPIC", "rain.settlement.v1");
        ConfigException e = assertThrows(ConfigException.class, () -> ConsumerConfig.fromEnv(env));
        assertTrue(e.getMessage().contains("RAIN_SETTLEMENT_DLQ_TOPIC must differ"), e.getMessage());
    }

    @Test
    @DisplayName("the password never appears in the configuration's text")
    void passwordHidden() {
        assertFalse(ConsumerConfig.fromEnv(minimal()).toString().contains("secret"));
    }
}
