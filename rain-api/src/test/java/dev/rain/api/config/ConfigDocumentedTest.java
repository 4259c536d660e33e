package dev.rain.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables are the operator's only reference: every variable either service
 * reads must be in one, with a default (or "required"). Read from the sources, so a new variable
 * without documentation fails here.
 */
class ConfigDocumentedTest {

    /** Maven runs tests in the module's directory. */
    private static final Path ROOT = Path.of("..");
    private static final List<Path> CONFIG_SOURCES = List.of(
        ROOT.resolve("rain-api/src/main/java/dev/rain/api/config"),
        ROOT.resolve("rain-settlement-consumer/src/main/java/dev/rain/settlement/config"),
        ROOT.resolve("rain-common/src/main/java/dev/rain/common/config"));
    private static final Pattern VARIABLE = Pattern.compile("\"(RAIN_[A-Z0-9_]+)\"");
    /** A table row: | `RAIN_X` / `RAIN_Y` | default | meaning | */
    private static final Pattern ROW = Pattern.compile("^\\|([^|]*RAIN_[^|]*)\\|([^|]+)\\|([^|]+)\\|", Pattern.MULTILINE);

    @Test
    @DisplayName("every environment variable read by either service is in a README configuration table with a default")
    void everyVariableIsDocumented() throws IOException {
        Set<String> read = variablesReadBySources();
        assertTrue(read.size() > 30, "found only " + read + "; did the config classes move?");
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            if (row.group(2).isBlank()) {
                continue;
            }
            Matcher name = Pattern.compile("`(RAIN_[A-Z0-9_]+)`").matcher(row.group(1));
            while (name.find()) {
                documented.add(name.group(1));
            }
        }
        Set<String> missing = new TreeSet<>(read);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "variables read but not in a README table row with a default");
    }

    private static Set<String> variablesReadBySources() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path dir : CONFIG_SOURCES) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = VARIABLE.matcher(Files.readString(file));
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }
}
