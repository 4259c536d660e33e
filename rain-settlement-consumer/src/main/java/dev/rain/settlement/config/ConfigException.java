package dev.rain.settlement.config;

import java.util.List;

/** Start-up configuration that cannot be used; the message names every bad variable at once. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid settlement consumer configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
