package dev.rain.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed reads of environment variables, each problem naming the variable, the value expected and the value found.
 * A reader either fails at the first problem ({@link #failingFast}) or collects them all and fails once
 * ({@link #collecting}, then {@link #failIfAnyProblem}); a collecting reader returns the fallback for a value it
 * cannot parse, and the value as read when it is only out of shape or range.
 */
public final class Env {

    private final Map<String, String> values;
    /** Null when failing fast. */
    private final List<String> problems;

    private Env(Map<String, String> values, List<String> problems) {
        this.values = values;
        this.problems = problems;
    }

    public static Env failingFast(Map<String, String> values) {
        return new Env(values, null);
    }

    public static Env collecting(Map<String, String> values) {
        return new Env(values, new ArrayList<>());
    }

    public String string(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    /** A string that must have {@code shape} (e.g. a URL scheme), so a typo fails here and not at first use. */
    public String matching(String name, String fallback, Pattern shape, String expected) {
        String value = string(name, fallback);
        if (!shape.matcher(value).matches()) {
            problem(name + " must be " + expected + ", was '" + value + "'");
        }
        return value;
    }

    /** @return null, once the missing variable is reported, when it is not set */
    public String required(String name, Pattern shape, String expected) {
        if (string(name, null) == null) {
            problem(name + " is required (" + expected + ")");
            return null;
        }
        return matching(name, null, shape, expected);
    }

    public int integer(String name, int fallback, int min, int max) {
        long value = number(name, fallback, min, max);
        return value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? fallback : (int) value;
    }

    public long number(String name, long fallback, long min, long max) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                problem(outOfRange(name, min, max, raw));
            }
            return value;
        } catch (NumberFormatException e) {
            problem(outOfRange(name, min, max, raw));
            return fallback;
        }
    }

    public boolean flag(String name, boolean fallback) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> {
                problem(name + " must be true or false, was '" + raw + "'");
                yield fallback;
            }
        };
    }

    /** A problem no single variable shows, such as two that contradict each other. */
    public void problem(String message) {
        if (problems == null) {
            throw new ConfigException(message);
        }
        problems.add(message);
    }

    /** @param service names the configuration in the error, e.g. "settlement consumer" */
    public void failIfAnyProblem(String service) {
        if (problems != null && !problems.isEmpty()) {
            throw new ConfigException(service, problems);
        }
    }

    private static String outOfRange(String name, long min, long max, String raw) {
        return name + " must be an integer in " + min + ".." + max + ", was '" + raw + "'";
    }
}
