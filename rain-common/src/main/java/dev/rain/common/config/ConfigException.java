package dev.rain.common.config;

import java.util.List;

/** Start-up configuration that cannot be used; the message names each bad variable and what is wrong with it. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    /** One problem, found by a service that stops at the first. */
    public ConfigException(String problem) {
        super(problem);
        this.problems = List.of(problem);
    }

    /** Every problem of one start-up attempt, so the operator fixes them all in one go. */
    public ConfigException(String service, List<String> problems) {
        super("invalid " + service + " configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
