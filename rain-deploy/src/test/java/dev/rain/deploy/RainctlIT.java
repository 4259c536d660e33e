package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code rainctl status}, {@code logs} and {@code restart} against a Redis of their own: a run folder and ports
 * apart from the shared services', so that starting and stopping here touches nothing else.
 */
class RainctlIT {

    private static final long TIMEOUT_SECONDS = 120;
    private static Path run;
    private static Map<String, String> env;

    @BeforeAll
    static void runFolder() throws IOException {
        run = Files.createTempDirectory("rainctl-it");
        env = Map.ofEntries(
            Map.entry("RAIN_LOCAL_RUN_DIR", run.toString()),
            Map.entry("RAIN_LOCAL_REDIS_PORT", freePort()),
            Map.entry("RAIN_LOCAL_PG_PORT", freePort()),
            Map.entry("RAIN_LOCAL_KAFKA_PORT", freePort()),
            Map.entry("RAIN_LOCAL_KAFKA_CONTROLLER_PORT", freePort()),
            Map.entry("RAIN_LOCAL_REDIS_CLUSTER_PORTS", freePort() + "," + freePort() + "," + freePort()),
            Map.entry("RAIN_LOCAL_API_PORT", freePort()),
            Map.entry("RAIN_LOCAL_API_MANAGEMENT_PORT", freePort()),
            Map.entry("RAIN_LOCAL_CONSUMER_HEALTH_PORT", freePort()));
    }

    @AfterAll
    static void stopRedisAndClean() throws Exception {
        rainctl("svc", "stop", "redis");
        try (Stream<Path> files = Files.walk(run)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static String freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run rainctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RepoFiles.resolve("rainctl").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("rainctl " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean hasLine(String output, String name, String state) {
        return Pattern.compile("(?m)^" + Pattern.quote(name) + " +" + state + " ").matcher(output).find();
    }

    @Test
    @DisplayName("status exits 1 and says DOWN for services that do not answer, stopped for apps nobody started")
    void statusFailsWhenServicesAreDown() throws Exception {
        rainctl("svc", "stop", "redis");
        Run status = rainctl("status");
        assertEquals(1, status.exit(), status.output());
        for (String service : List.of("redis", "postgres", "kafka")) {
            assertTrue(hasLine(status.output(), service, "DOWN"), service + " DOWN in\n" + status.output());
        }
        assertTrue(hasLine(status.output(), "api", "stopped"), status.output());
        assertTrue(hasLine(status.output(), "consumer", "stopped"), status.output());
    }

    @Test
    @DisplayName("restart brings a stopped Redis up, status then says up for it, and logs shows its log")
    void restartStatusAndLogs() throws Exception {
        Run restart = rainctl("restart", "redis");
        assertEquals(0, restart.exit(), restart.output());
        Run status = rainctl("status");
        assertTrue(hasLine(status.output(), "redis", "up"), status.output());
        assertEquals(1, status.exit(), "Postgres and Kafka are still down: " + status.output());
        Run logs = rainctl("logs", "redis");
        assertEquals(0, logs.exit(), logs.output());
        assertTrue(logs.output().contains("Ready to accept connections"), logs.output());
    }

    @Test
    @DisplayName("logs and restart refuse a service they do not know, with their usage")
    void unknownService() throws Exception {
        for (String command : List.of("logs", "restart")) {
            Run run = rainctl(command, "zookeeper");
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().contains("usage: ./rainctl " + command), run.output());
        }
    }
}
