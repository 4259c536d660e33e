package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in ops/prometheus, checked and unit-tested by Prometheus's own promtool. {@code ./rainctl test}
 * installs promtool (Debian's prometheus package); without it the tests are skipped, except under CI=true, where
 * a missing promtool must not pass for checked rules.
 */
class PrometheusRulesTest {

    private static final long TIMEOUT_SECONDS = 60;
    private static Path promtool;
    private static Path rules;

    @BeforeAll
    static void findPromtool() {
        rules = RepoFiles.resolve("ops/prometheus");
        Optional<Path> found = onPath("promtool");
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("promtool is not installed; ./rainctl test installs it (apt-get install prometheus)");
        }
        Assumptions.assumeTrue(found.isPresent(), "promtool is not installed; ./rainctl test installs it");
        promtool = found.get();
    }

    private static Optional<Path> onPath(String command) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(java.io.File.pathSeparator)).map(dir -> Path.of(dir, command))
            .filter(Files::isExecutable).findFirst();
    }

    private static String run(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Stream.concat(Stream.of(promtool.toString()), Stream.of(args)).toList())
            .directory(rules.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "promtool " + String.join(" ", args) + ":\n" + output);
        return output;
    }

    @Test
    @DisplayName("the alert rules are valid Prometheus rules")
    void rulesAreValid() throws Exception {
        run("check", "rules", "rules.yaml");
    }

    @Test
    @DisplayName("each alert fires on the series that should wake someone and stays quiet on healthy ones")
    void rulesPassTheirUnitTests() throws Exception {
        run("test", "rules", "rules-test.yaml");
    }

    @Test
    @DisplayName("every alert in rules.yaml is exercised by rules-test.yaml")
    void everyAlertIsTested() throws Exception {
        List<String> alerts = Files.readAllLines(rules.resolve("rules.yaml")).stream()
            .filter(line -> line.trim().startsWith("- alert: "))
            .map(line -> line.trim().substring("- alert: ".length())).toList();
        String tests = Files.readString(rules.resolve("rules-test.yaml"));
        List<String> untested = alerts.stream().filter(alert -> !tests.contains("alertname: " + alert + "\n"))
            .toList();
        assertEquals(List.of(), untested);
    }
}
