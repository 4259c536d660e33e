package dev.rain.api.faults;

import dev.rain.api.ApiHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The fault suite's own Redis, PostgreSQL and Kafka, started by {@code rainctl} under a separate run
 * folder on free ports, so that killing them hurts nothing but this suite. The product's jars run
 * against them as real processes.
 */
final class FaultLab implements AutoCloseable {

    static final String SECRET = "fault-suite-jwt-secret-of-at-least-32-bytes";
    static final String TOPIC = "rain.settlement.faults";
    static final String GROUP = "rain-settlement-faults";
    static final int PARTITIONS = 4;

    private final Path root;
    private final Path home;
    private final Map<String, String> rainctlEnv = new HashMap<>();
    private final int redisPort = ApiHarness.freePort();
    private final int pgPort = ApiHarness.freePort();
    private final int kafkaPort = ApiHarness.freePort();
    private final List<JavaProcess> processes = new ArrayList<>();

    private FaultLab(Path root, Path home) {
        this.root = root;
        this.home = home;
        rainctlEnv.put("RAIN_LOCAL_RUN_DIR", home.resolve("run").toString());
        rainctlEnv.put("RAIN_LOCAL_REDIS_PORT", Integer.toString(redisPort));
        rainctlEnv.put("RAIN_LOCAL_PG_PORT", Integer.toString(pgPort));
        rainctlEnv.put("RAIN_LOCAL_KAFKA_PORT", Integer.toString(kafkaPort));
        rainctlEnv.put("RAIN_LOCAL_KAFKA_CONTROLLER_PORT", Integer.toString(ApiHarness.freePort()));
    }

    /** Starts fresh services (a clean run folder each time) and creates the settlement topics. */
    static FaultLab start() throws Exception {
        Path module = Path.of("").toAbsolutePath();
        Path root = module.getParent();
        Path home = module.resolve("target/faults");
        FaultLab lab = new FaultLab(root, home);
        lab.rainctl("reset");
        Files.createDirectories(home.resolve("logs"));
        lab.shareKafkaJars();
        lab.rainctl("services");
        lab.createTopics();
        return lab;
    }

    /** The broker's jars are the same as the shared services' ones: link them instead of copying 100 MB again. */
    private void shareKafkaJars() throws IOException {
        Path shared = root.resolve(".run/kafka/lib");
        Path mine = home.resolve("run/kafka/lib");
        if (Files.isDirectory(shared) && !Files.exists(mine)) {
            Files.createDirectories(mine.getParent());
            Files.createSymbolicLink(mine, shared);
        }
    }

    /** {@code rainctl svc <action> <service>}: start, stop or kill (abruptly) redis, postgres or kafka. */
    void service(String action, String service) throws Exception {
        rainctl("svc", action, service);
    }

    private void rainctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("rainctl").toString()));
        command.addAll(List.of(args));
        Path log = home.resolve("logs/rainctl.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("RAIN_"));
        builder.environment().putAll(rainctlEnv);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("rainctl " + String.join(" ", args) + " hung; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("rainctl " + String.join(" ", args) + " failed (exit " + process.exitValue()
                + "): " + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private void createTopics() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1),
                new NewTopic(TOPIC + ".dlq", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        return Admin.create(props);
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    private String pgUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/rain";
    }

    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.put("user", "rain");
        props.put("password", "rain");
        props.put("connectTimeout", "5");
        props.put("socketTimeout", "30");
        return DriverManager.getConnection(pgUrl(), props);
    }

    private Map<String, String> common() {
        Map<String, String> env = new HashMap<>();
        env.put("RAIN_REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("RAIN_KAFKA_BOOTSTRAP", kafkaBootstrap());
        env.put("RAIN_PG_URL", pgUrl());
        env.put("RAIN_PG_USER", "rain");
        env.put("RAIN_PG_PASSWORD", "rain");
        env.put("RAIN_SETTLEMENT_TOPIC", TOPIC);
        env.put("RAIN_SETTLEMENT_DLQ_TOPIC", TOPIC + ".dlq");
        return env;
    }

    /** Starts an API instance; its HTTP port is {@code port}. */
    JavaProcess startApi(String id, int port) throws Exception {
        Map<String, String> env = common();
        env.put("RAIN_JWT_SECRET", SECRET);
        env.put("RAIN_HTTP_HOST", "127.0.0.1");
        env.put("RAIN_HTTP_PORT", Integer.toString(port));
        // Two instances run side by side: each takes a free management port of its own, on loopback.
        env.put("RAIN_MANAGEMENT_HOST", "127.0.0.1");
        env.put("RAIN_MANAGEMENT_PORT", "0");
        env.put("RAIN_HTTP_INSTANCES", "2");
        env.put("RAIN_INSTANCE_ID", id);
        env.put("RAIN_PG_POOL_SIZE", "6");
        env.put("RAIN_FINISHER_INTERVAL_MS", "200");
        env.put("RAIN_OUTBOX_STALE_MS", "1500");
        // A thousand viewers all come from 127.0.0.1 here: the per-address and per-viewer limits are raised by
        // configuration for the suite, as a load balancer's X-Forwarded-For would spread them in production.
        env.put("RAIN_LIMIT_IP_PER_SECOND", "1000000");
        env.put("RAIN_LIMIT_IP_BURST", "1000000");
        env.put("RAIN_LIMIT_GRAB_PER_VIEWER_PER_SECOND", "1000");
        env.put("RAIN_LIMIT_GRAB_PER_VIEWER_BURST", "1000");
        env.put("RAIN_LIMIT_UNKNOWN_CODE_PER_IP_PER_MINUTE", "1000");
        return track(JavaProcess.start("api " + id, Path.of("target/rain-api.jar"), "-Xmx384m", env,
            home.resolve("logs/api-" + id + ".log"), "http://127.0.0.1:" + port + "/health/live"));
    }

    /** Starts a settlement consumer of the suite's group; its health endpoint listens on {@code healthPort}. */
    JavaProcess startConsumer(String id, int healthPort) throws Exception {
        Map<String, String> env = common();
        env.put("RAIN_SETTLEMENT_GROUP", GROUP);
        env.put("RAIN_PG_POOL_SIZE", "4");
        env.put("RAIN_CONSUMER_HEALTH_PORT", Integer.toString(healthPort));
        return track(JavaProcess.start("consumer " + id,
            Path.of("../rain-settlement-consumer/target/rain-settlement-consumer.jar"), "-Xmx256m", env,
            home.resolve("logs/consumer-" + id + ".log"), "http://127.0.0.1:" + healthPort + "/health/live"));
    }

    private JavaProcess track(JavaProcess process) {
        processes.add(process);
        return process;
    }

    /** Whether the group has committed up to the end of every partition: nothing left to settle. */
    boolean consumerCaughtUp() throws Exception {
        try (Admin admin = admin()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all()
                .get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
            return partitions.stream().allMatch(p -> ends.get(p).offset() == 0
                || (committed.get(p) != null && committed.get(p).offset() >= ends.get(p).offset()));
        }
    }

    /** Moves the (stopped) group back to offset 0 of every partition: the whole topic will be applied again. */
    void rewindGroupToStart() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                start.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(GROUP, start).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The AOF file Redis appends to now (Redis 7's multi-part AOF: the incremental file its manifest names last).
     */
    Path redisAofTail() throws IOException {
        Path dir = home.resolve("run/redis/appendonlydir");
        String current = null;
        for (String line : Files.readAllLines(dir.resolve("appendonly.aof.manifest"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 6 && "file".equals(fields[0]) && "i".equals(fields[5])) {
                current = fields[1];
            }
        }
        if (current == null) {
            throw new IllegalStateException("no incremental AOF in " + dir);
        }
        return dir.resolve(current);
    }

    Path home() {
        return home;
    }

    @Override
    public void close() throws Exception {
        for (JavaProcess process : processes) {
            if (process.alive()) {
                process.stop();
            }
        }
        rainctl("down");
    }
}
