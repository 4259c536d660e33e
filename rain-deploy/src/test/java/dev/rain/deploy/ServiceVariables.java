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

    /**
     * Names the Redis Cluster work of issue 7 adds to ApiConfig on its own branch. Until that is merged the
     * API on this branch does not read it; once it does, this entry is redundant and can go.
     */
    static final Set<String> API_PENDING = Set.of("RAIN_REDIS_CLUSTER_NODES");

    private ServiceVariables() {
    }

    /** Builds the API's configuration from the environment (throws as the API would) and returns what it read. */
    static Set<String> api(Map<String, String> environment) {
        RecordingEnvironment recording = new RecordingEnvironment(environment);
        ApiConfig.fromEnv(recording);
        Set<String> known = new HashSet<>(recording.asked());
        known.addAll(JVM);
        known.addAll(API_PENDING);
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
