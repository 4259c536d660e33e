package dev.rain.api.config;

import java.util.Map;
import java.util.regex.Pattern;

/** Typed reads of environment variables, each failure naming the variable. */
final class Env {

    private final Map<String, String> values;

    Env(Map<String, String> values) {
        this.values = values;
    }

    String string(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** A string that must have {@code shape} (e.g. a URL scheme), so a typo fails here and not at first use. */
    String matching(String name, String fallback, Pattern shape, String expected) {
        String value = string(name, fallback);
        if (!shape.matcher(value).matches()) {
            throw new ConfigException(name + " must be " + expected + ", was '" + value + "'");
        }
        return value;
    }

    String required(String name) {
        String value = string(name, null);
        if (value == null) {
            throw new ConfigException(name + " is required");
        }
        return value;
    }

    int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    long number(String name, long fallback, long min, long max) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, was '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(name + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    boolean flag(String name, boolean fallback) {
        String raw = string(name, null);
        if (raw == null) {
            return fallback;
        }
        return switch (raw.toLowerCase()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name + " must be true or false, was '" + raw + "'");
        };
    }
}
