package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pages in Debian's headless Chromium, driven by playwright-core from {@code src/test/browser}
 * (installed by {@code npm ci}, which {@code ./rainctl test} runs): the API in demo mode and the
 * settlement consumer run here on the real services, the browser script runs as a child process and
 * fails this test with a non-zero exit. Screenshots land in {@code build-artifacts/pages/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RainPagesIT {

    private static final File SCRIPT_DIR = new File("src/test/browser");
    private static final File ARTIFACTS = new File("../build-artifacts/pages");
    private static final long BROWSER_BUDGET_SECONDS = 240;

    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("pages", Map.of("RAIN_DEMO_MODE", "true"));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("an anchor runs a rain from the console and two viewers in Chromium win packets the ledger credits")
    void consoleAndTwoViewersInChromium() throws Exception {
        assertTrue(new File(SCRIPT_DIR, "node_modules/playwright-core").isDirectory(),
            "playwright-core is not installed: run `npm ci` in rain-api/src/test/browser (./rainctl test does)");
        ProcessBuilder builder = new ProcessBuilder("node", "pages.test.mjs")
            .directory(SCRIPT_DIR)
            .redirectErrorStream(true);
        builder.environment().put("RAIN_WEB_BASE_URL", "http://127.0.0.1:" + system.api().config().httpPort());
        builder.environment().put("RAIN_WEB_ARTIFACTS", ARTIFACTS.getAbsolutePath());
        Process node = builder.start();
        AtomicReference<String> result = new AtomicReference<>();
        Thread pump = new Thread(() -> relay(node, result), "browser-output");
        pump.start();
        boolean exited = node.waitFor(BROWSER_BUDGET_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
        pump.join(5_000);
        assertTrue(exited, "the browser test did not finish within " + BROWSER_BUDGET_SECONDS + " s");
        assertEquals(0, node.exitValue(), "the browser test failed; its output is above");

        // The pages already compared themselves with the API; here the ledger's own rows have the last word.
        JsonObject outcome = new JsonObject(result.get());
        String code = outcome.getString("configCode");
        long shown = outcome.getJsonObject("wins").stream()
            .mapToLong(win -> ((JsonObject) win.getValue()).getLong("amount")).sum();
        assertEquals(shown, system.queryLong("SELECT coalesce(sum(amount), 0) FROM transfers WHERE kind = 'GRAB' AND config_code = ?", code));
        assertEquals(2, system.queryLong("SELECT count(*) FROM transfers WHERE kind = 'GRAB' AND config_code = ?", code));
    }

    /** Copies the script's output into the test log and keeps its RESULT line. */
    private static void relay(Process node, AtomicReference<String> result) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                System.out.println("[browser] " + line);
                if (line.startsWith("RESULT ")) {
                    result.set(line.substring("RESULT ".length()));
                }
            }
        } catch (java.io.IOException e) {
            System.out.println("[browser] output ended: " + e);
        }
    }
}
