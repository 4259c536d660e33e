package dev.rain.deploy;

import dev.rain.api.config.ApiConfig;
import dev.rain.settlement.config.ConsumerConfig;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Which environment variables each service reads, found by letting its configuration read them. */
final class ServiceVariables {

    /** Read by the JVM itself, not by the service's configuration. */
    static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS");

    private ServiceVariables() {
    }

    /** Builds the API's configuration from the environment (throws as the API would) and returns what it read. */
    static Set<String> api(Map<String, String> environment) {
        RecordingEnvironment recording = new RecordingEnvironment(environment);
        ApiConfig.fromEnv(recording);
        Set<String> known = new HashSet<>(recording.asked());
        known.addAll(JVM);
        return known;
    }

    static Set<String> consumer(Map<String, String> environment) {
        RecordingEnvironment recording = new RecordingEnvironment(environment);
        ConsumerConfig.fromEnv(recording);
        Set<String> known = new HashSet<>(recording.asked());
        known.addAll(JVM);
        return known;
    }
}
