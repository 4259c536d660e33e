package dev.rain.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series that ops/grafana's dashboard and ops/prometheus's alert rules query, so that the tests of the
 * processes exporting them can hold the queries to what a real scrape holds: a renamed meter must not leave a
 * panel empty or an alert silent.
 */
public final class OpsQueries {

    private static final List<String> FILES = List.of("ops/grafana/rain.json", "ops/prometheus/rules.yaml");
    private static final Pattern SERIES = Pattern.compile("\\b((?:rain|vertx|jvm|process|kafka)_[a-z0-9_]+)\\b");

    private OpsQueries() {
    }

    /** Every series name in the dashboard and the rules that starts with one of {@code prefixes}. */
    public static Set<String> seriesStartingWith(String... prefixes) {
        Set<String> names = new TreeSet<>();
        Path root = repositoryRoot();
        for (String file : FILES) {
            Matcher matcher = SERIES.matcher(read(root.resolve(file)));
            while (matcher.find()) {
                String name = matcher.group(1);
                for (String prefix : prefixes) {
                    if (name.startsWith(prefix)) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("ops"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no ops/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
