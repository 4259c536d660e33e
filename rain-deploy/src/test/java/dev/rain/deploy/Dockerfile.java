package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read into its stages and instructions: enough to check what the image will be. */
record Dockerfile(String path, List<Dockerfile.Stage> stages) {

    record Instruction(String keyword, String arguments) {
    }

    record Stage(String image, String name, List<Instruction> instructions) {

        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
        }

        Optional<String> last(String keyword) {
            List<String> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        }
    }

    private static final Pattern FROM = Pattern.compile("(?i)(\\S+)(?:\\s+AS\\s+(\\S+))?");
    private static final Pattern ENV = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");

    static Dockerfile read(String relativePath) {
        List<String> lines;
        try {
            lines = Files.readAllLines(RepoFiles.resolve(relativePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Stage> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (logical.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                logical.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            logical.append(trimmed);
            add(stages, logical.toString());
            logical.setLength(0);
        }
        return new Dockerfile(relativePath, List.copyOf(stages));
    }

    private static void add(List<Stage> stages, String instruction) {
        String[] parts = instruction.split("\\s+", 2);
        String keyword = parts[0].toUpperCase(Locale.ROOT);
        String arguments = parts.length > 1 ? parts[1].strip() : "";
        if (keyword.equals("FROM")) {
            Matcher m = FROM.matcher(arguments);
            if (!m.matches()) {
                throw new IllegalArgumentException("cannot read FROM " + arguments);
            }
            stages.add(new Stage(m.group(1), m.group(2), new ArrayList<>()));
            return;
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException(keyword + " before the first FROM");
        }
        stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, arguments));
    }

    Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** The uid the image runs as; a name cannot be checked by Kubernetes' runAsNonRoot, so it must be a number. */
    int runtimeUid() {
        String user = runtime().last("USER").orElseThrow(() -> new AssertionError(path + " sets no USER: it runs as root"));
        String uid = user.split(":", 2)[0];
        if (!uid.chars().allMatch(Character::isDigit)) {
            throw new AssertionError(path + " USER " + user + " is not numeric");
        }
        return Integer.parseInt(uid);
    }

    Optional<String> env(String name) {
        List<String> envs = runtime().all("ENV");
        for (int i = envs.size() - 1; i >= 0; i--) {
            Matcher m = ENV.matcher(envs.get(i));
            while (m.find()) {
                if (m.group(1).equals(name)) {
                    String value = m.group(2);
                    return Optional.of(value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
                }
            }
        }
        return Optional.empty();
    }

    /** The exec-form array of an instruction such as ENTRYPOINT or HEALTHCHECK ... CMD [...]. */
    static List<String> execForm(String arguments) {
        int start = arguments.indexOf('[');
        if (start < 0) {
            throw new AssertionError("not in exec form: " + arguments);
        }
        try {
            JsonNode array = new ObjectMapper().readTree(arguments.substring(start));
            List<String> items = new ArrayList<>();
            array.forEach(item -> items.add(item.asText()));
            return items;
        } catch (IOException e) {
            throw new AssertionError("not a JSON array: " + arguments, e);
        }
    }
}
