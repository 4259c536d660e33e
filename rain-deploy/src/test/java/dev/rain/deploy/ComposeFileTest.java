package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rain.api.config.ApiConfig;
import dev.rain.settlement.config.ConsumerConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml runs the whole product, wired the way the services' configuration reads it. */
class ComposeFileTest {

    /** Compose's ${NAME:-default}: the default is what runs when the shell does not set NAME. */
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)}");

    static JsonNode services;

    @BeforeAll
    static void load() throws IOException {
        // SnakeYAML, not Jackson: the file uses anchors and merge keys (<<), as Compose allows.
        try (Reader in = Files.newBufferedReader(RepoFiles.resolve("docker-compose.yml"))) {
            Object document = new Yaml().load(in);
            services = new ObjectMapper().valueToTree(document).path("services");
        }
    }

    @Test
    @DisplayName("it runs Redis with AOF every second, a KRaft Kafka, Postgres, two APIs and a consumer")
    void wholeProduct() {
        String redis = services.path("redis").path("command").toString();
        assertTrue(redis.contains("\"--appendonly\",\"yes\"") && redis.contains("\"--appendfsync\",\"everysec\""), redis);
        JsonNode kafka = services.path("kafka").path("environment");
        assertTrue(services.path("kafka").path("image").asText().startsWith("apache/kafka:"));
        assertEquals("broker,controller", kafka.path("KAFKA_PROCESS_ROLES").asText(), "KRaft, no ZooKeeper");
        assertTrue(services.path("postgres").path("image").asText().startsWith("postgres:"));
        assertEquals(2, built("rain-api/Dockerfile").size(), "two API instances");
        assertEquals(1, built("rain-settlement-consumer/Dockerfile").size(), "one consumer");
    }

    @Test
    @DisplayName("every depends_on names a service with a condition it can meet")
    void dependencies() {
        services.fields().forEachRemaining(service -> service.getValue().path("depends_on").fields().forEachRemaining(dep -> {
            JsonNode target = services.path(dep.getKey());
            assertFalse(target.isMissingNode(), service.getKey() + " depends on a missing " + dep.getKey());
            String condition = dep.getValue().path("condition").asText();
            switch (condition) {
                case "service_healthy" -> assertTrue(target.has("healthcheck"), dep.getKey() + " has no healthcheck");
                case "service_completed_successfully" -> assertEquals("no", target.path("restart").asText("no"));
                default -> throw new AssertionError(service.getKey() + " -> " + dep.getKey() + ": condition " + condition);
            }
        }));
        for (String api : built("rain-api/Dockerfile")) {
            Set<String> needs = new HashSet<>();
            services.path(api).path("depends_on").fieldNames().forEachRemaining(needs::add);
            assertTrue(needs.containsAll(Set.of("redis", "postgres", "kafka-topics")), api + " starts before its backends: " + needs);
        }
    }

    @Test
    @DisplayName("the settlement topic and its dead-letter topic are made up front with several partitions")
    void topicsMadeUpFront() {
        String script = services.path("kafka-topics").path("command").toString();
        assertTrue(script.contains("rain.settlement.v1") && script.contains("rain.settlement.v1.dlq"), script);
        Matcher partitions = Pattern.compile("--partitions (\\d+)").matcher(script);
        assertTrue(partitions.find() && Integer.parseInt(partitions.group(1)) > 1, "several partitions: " + script);
        assertEquals("false", services.path("kafka").path("environment").path("KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText());
        for (String name : built("rain-settlement-consumer/Dockerfile")) {
            assertTrue(script.contains(environment(name).getOrDefault("RAIN_SETTLEMENT_TOPIC", "rain.settlement.v1")));
        }
    }

    @Test
    @DisplayName("each API instance reads every variable it is given, accepts them all and answers on its own port")
    void apiInstances() {
        Set<String> instanceIds = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (String name : built("rain-api/Dockerfile")) {
            Map<String, String> env = environment(name);
            Set<String> unread = new TreeSet<>(env.keySet());
            unread.removeAll(ServiceVariables.api(env));
            assertEquals(Set.of(), unread, name + " is given variables the API does not read");
            ApiConfig config = ApiConfig.fromEnv(env);
            assertTrue(instanceIds.add(config.instanceId()), "two API instances named " + config.instanceId());
            checkBackends(name, env);
            assertEquals("redis", URI.create(env.get("RAIN_REDIS_URL")).getHost());
            String health = services.path(name).path("healthcheck").path("test").toString();
            assertTrue(health.contains("/dev/tcp/127.0.0.1/" + config.httpPort() + " "), name + " health-checks another port: " + health);
            assertTrue(ServedPaths.api().contains(healthPath(health)), name + " health-checks " + healthPath(health));
            for (JsonNode port : services.path(name).path("ports")) {
                assertTrue(port.asText().endsWith(":" + config.httpPort()), name + " publishes " + port);
                assertTrue(hostPorts.add(port.asText().split(":")[0]), "host port used twice: " + port);
            }
        }
    }

    @Test
    @DisplayName("the consumer reads every variable it is given, accepts them all and is health-checked on its port")
    void consumer() {
        for (String name : built("rain-settlement-consumer/Dockerfile")) {
            Map<String, String> env = environment(name);
            Set<String> unread = new TreeSet<>(env.keySet());
            unread.removeAll(ServiceVariables.consumer(env));
            assertEquals(Set.of(), unread, name + " is given variables the consumer does not read");
            ConsumerConfig config = ConsumerConfig.fromEnv(env);
            checkBackends(name, env);
            String health = services.path(name).path("healthcheck").path("test").toString();
            assertTrue(health.contains("/dev/tcp/127.0.0.1/" + config.healthPort() + " "), health);
            assertEquals(200, ServedPaths.consumerStatus(healthPath(health)));
        }
    }

    private static void checkBackends(String name, Map<String, String> env) {
        String advertised = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        assertTrue(advertised.contains("//" + env.get("RAIN_KAFKA_BOOTSTRAP")), name + " bootstraps from " + env.get("RAIN_KAFKA_BOOTSTRAP"));
        URI pg = URI.create(env.get("RAIN_PG_URL").substring("jdbc:".length()));
        JsonNode postgres = services.path("postgres").path("environment");
        assertEquals("postgres", pg.getHost());
        assertEquals("/" + postgres.path("POSTGRES_DB").asText(), pg.getPath());
        assertEquals(postgres.path("POSTGRES_USER").asText(), env.get("RAIN_PG_USER"));
        assertEquals(postgres.path("POSTGRES_PASSWORD").asText(), env.get("RAIN_PG_PASSWORD"));
    }

    private static List<String> built(String dockerfile) {
        List<String> names = new ArrayList<>();
        services.fields().forEachRemaining(e -> {
            if (dockerfile.equals(e.getValue().path("build").path("dockerfile").asText())) {
                assertEquals(".", e.getValue().path("build").path("context").asText(), e.getKey() + " builds from the root");
                assertTrue(Files.exists(RepoFiles.resolve(dockerfile)));
                names.add(e.getKey());
            }
        });
        return names;
    }

    private static Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        services.path(service).path("environment").fields().forEachRemaining(e -> {
            Matcher m = INTERPOLATION.matcher(e.getValue().asText());
            env.put(e.getKey(), m.replaceAll(r -> Matcher.quoteReplacement(r.group(1))));
        });
        return env;
    }

    private static String healthPath(String healthcheck) {
        Matcher m = Pattern.compile("GET (\\S+) HTTP").matcher(healthcheck);
        assertTrue(m.find(), healthcheck);
        return m.group(1);
    }
}
