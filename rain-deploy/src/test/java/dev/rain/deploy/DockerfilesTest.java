package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.config.ApiConfig;
import dev.rain.settlement.config.ConsumerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The two images: built by Maven in a first stage, run from a JRE as a non-root user on the configured port. */
class DockerfilesTest {

    /** module, the variable naming its port, the port its configuration uses when that variable is unset. */
    static Stream<Arguments> services() {
        int apiPort = ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", KubernetesManifestsTest.DEPLOYED_SECRET)).httpPort();
        int consumerPort = ConsumerConfig.fromEnv(Map.of("RAIN_KAFKA_BOOTSTRAP", "kafka:9092",
            "RAIN_PG_URL", "jdbc:postgresql://postgres:5432/rain", "RAIN_PG_USER", "rain", "RAIN_PG_PASSWORD", "rain"))
            .healthPort();
        return Stream.of(
            Arguments.of("rain-api", "RAIN_HTTP_PORT", apiPort),
            Arguments.of("rain-settlement-consumer", "RAIN_CONSUMER_HEALTH_PORT", consumerPort));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    @DisplayName("the image is built by Maven in a first stage and runs on a JRE")
    void multiStage(String module, String portVariable, int port) {
        Dockerfile file = Dockerfile.read(module + "/Dockerfile");
        assertTrue(file.stages().size() >= 2, module + " is not multi-stage");
        Dockerfile.Stage build = file.stages().get(0);
        assertTrue(build.image().startsWith("maven:") && build.image().contains("17"), "build stage image " + build.image());
        assertEquals("build", build.name());
        assertTrue(build.all("RUN").stream().anyMatch(run -> run.contains("mvn ") && run.contains("-pl " + module)
            && run.contains("package")), module + "'s build stage does not package " + module);
        assertTrue(file.runtime().image().matches("eclipse-temurin:17[^ ]*-jre[^ ]*"), "runtime image " + file.runtime().image());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    @DisplayName("the runtime stage copies the jar Maven writes and runs exactly that jar")
    void copiesTheBuiltJar(String module, String portVariable, int port) throws IOException {
        Dockerfile file = Dockerfile.read(module + "/Dockerfile");
        String jar = ModulePoms.runnableJar(module);
        List<String> copies = file.runtime().all("COPY").stream().filter(c -> c.startsWith("--from=build")).toList();
        assertEquals(1, copies.size(), module + " copies from the build stage " + copies);
        String[] parts = copies.get(0).split("\\s+");
        assertEquals("/src/" + jar, parts[parts.length - 2], "the jar copied out of the build stage");
        String destination = parts[parts.length - 1];
        assertEquals(List.of("java", "-jar", destination),
            Dockerfile.execForm(file.runtime().last("ENTRYPOINT").orElseThrow()));
        Path built = RepoFiles.resolve(jar);
        if (Files.exists(built.getParent().resolve("classes")) && Files.exists(built)) {
            // After `mvn package` (as in ./rainctl test): the jar is really there and says what to run.
            try (JarFile runnable = new JarFile(built.toFile())) {
                assertTrue(runnable.getManifest().getMainAttributes().getValue("Main-Class").startsWith("dev.rain."));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    @DisplayName("the image runs as a numeric non-root user")
    void nonRoot(String module, String portVariable, int port) {
        Dockerfile file = Dockerfile.read(module + "/Dockerfile");
        assertTrue(file.runtimeUid() > 0, module + " runs as root");
        int userAt = indexOf(file.runtime(), "USER");
        int entrypointAt = indexOf(file.runtime(), "ENTRYPOINT");
        assertTrue(userAt >= 0 && userAt < entrypointAt, module + ": USER must come before ENTRYPOINT");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    @DisplayName("the image exposes and health-checks the port its configuration listens on")
    void portAndHealthcheck(String module, String portVariable, int port) {
        Dockerfile file = Dockerfile.read(module + "/Dockerfile");
        assertEquals(List.of(String.valueOf(port)), file.runtime().all("EXPOSE"), module + " EXPOSE");
        assertEquals(String.valueOf(port), file.env(portVariable).orElseThrow(), module + " ENV " + portVariable);
        String healthcheck = file.runtime().last("HEALTHCHECK").orElseThrow(() -> new AssertionError(module + " has no HEALTHCHECK"));
        String command = String.join(" ", Dockerfile.execForm(healthcheck));
        assertTrue(command.contains("/dev/tcp/127.0.0.1/${" + portVariable + ":-" + port + "}"), command);
        String path = command.replaceAll(".*GET (\\S+) HTTP.*", "$1");
        if (module.equals("rain-api")) {
            assertTrue(ServedPaths.api().contains(path), "the API does not serve " + path);
        } else {
            assertEquals(200, ServedPaths.consumerStatus(path), "the consumer's health server on " + path);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    @DisplayName("the heap is bounded by the container's memory and the JVM exits on OutOfMemoryError")
    void boundedHeap(String module, String portVariable, int port) {
        String options = Dockerfile.read(module + "/Dockerfile").env("JAVA_TOOL_OPTIONS").orElseThrow();
        assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), options);
        long heapOfOneGib = Pods.maxHeap(options, 1L << 30);
        assertTrue(options.contains("-XX:MaxRAMPercentage=") && heapOfOneGib <= (3L << 30) / 4,
            "heap should follow the limit and leave a quarter of it: " + options);
    }

    @Test
    @DisplayName("the API's image names its collector, the one the bench measures: a 1 GiB container would get the serial one")
    void apiNamesItsCollector() throws IOException {
        String options = Dockerfile.read("rain-api/Dockerfile").env("JAVA_TOOL_OPTIONS").orElseThrow();
        assertTrue(options.contains("-XX:+UseG1GC"), options);
        String bench = Files.readString(RepoFiles.resolve("bench/run"));
        assertTrue(bench.contains("${BENCH_API_GC--XX:+UseG1GC}"), "bench/run starts the API with another collector");
    }

    @Test
    @DisplayName("the build context sends every module but no local service data or build output")
    void dockerignore() throws IOException {
        List<String> ignored = Files.readAllLines(RepoFiles.resolve(".dockerignore")).stream()
            .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(ignored.containsAll(List.of(".run", "**/target", ".git")), ignored.toString());
        for (String module : ModulePoms.modules()) {
            assertFalse(ignored.contains(module), "a module the Maven reactor needs is left out: " + module);
        }
        assertFalse(Files.exists(RepoFiles.resolve("Dockerfile")), "one Dockerfile per service, none at the top");
    }

    private static int indexOf(Dockerfile.Stage stage, String keyword) {
        for (int i = 0; i < stage.instructions().size(); i++) {
            if (stage.instructions().get(i).keyword().equals(keyword)) {
                return i;
            }
        }
        return -1;
    }
}
