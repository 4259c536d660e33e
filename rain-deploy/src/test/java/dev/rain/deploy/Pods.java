package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reading pod templates the way the kubelet and the controllers do. */
final class Pods {

    private Pods() {
    }

    static List<JsonNode> containers(Manifest workload) {
        List<JsonNode> containers = new ArrayList<>();
        Manifests.podTemplate(workload).path("spec").path("containers").forEach(containers::add);
        return containers;
    }

    static JsonNode container(Manifest workload, String name) {
        return containers(workload).stream().filter(c -> c.path("name").asText().equals(name)).findFirst()
            .orElseThrow(() -> new AssertionError(workload + " has no container " + name));
    }

    static Map<String, String> labels(JsonNode objectWithMetadata) {
        Map<String, String> labels = new HashMap<>();
        objectWithMetadata.path("metadata").path("labels").fields()
            .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static Map<String, String> templateLabels(Manifest workload) {
        return labels(Manifests.podTemplate(workload));
    }

    /** A plain label selector (Service) or one with matchLabels (workloads, PDBs); empty selects nothing. */
    static Map<String, String> selector(JsonNode selector) {
        JsonNode labels = selector.has("matchLabels") ? selector.path("matchLabels") : selector;
        Map<String, String> wanted = new HashMap<>();
        labels.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
        return wanted;
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** Declared container ports: name (or the number as text) to number. */
    static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> {
            int number = p.path("containerPort").asInt();
            ports.put(String.valueOf(number), number);
            if (p.hasNonNull("name")) {
                ports.put(p.path("name").asText(), number);
            }
        });
        return ports;
    }

    /** The port a probe, Service or HPA refers to by name or number, if the container declares it. */
    static Optional<Integer> port(JsonNode container, JsonNode reference) {
        return Optional.ofNullable(ports(container).get(reference.asText()));
    }

    static List<JsonNode> httpProbes(JsonNode container) {
        List<JsonNode> probes = new ArrayList<>();
        for (String kind : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            JsonNode http = container.path(kind).path("httpGet");
            if (!http.isMissingNode()) {
                probes.add(http);
            }
        }
        return probes;
    }

    static Optional<Double> quantity(JsonNode resources, String bound, String resource) {
        JsonNode value = resources.path(bound).path(resource);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        return Optional.of(Quantity.getAmountInBytes(new Quantity(value.asText())).doubleValue());
    }

    /** A JVM size such as 512m, 2g or 1024k, in bytes. */
    static long jvmSize(String text) {
        String lower = text.trim().toLowerCase();
        char unit = lower.charAt(lower.length() - 1);
        long factor = switch (unit) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = Character.isDigit(unit) ? lower : lower.substring(0, lower.length() - 1);
        return Long.parseLong(digits) * factor;
    }

    /**
     * The most heap the JVM will take inside a memory limit, from -Xmx or -XX:MaxRAMPercentage (the JVM's
     * own default is 25 % of the limit).
     */
    static long maxHeap(String javaOptions, double memoryLimit) {
        long heap = (long) (memoryLimit * 0.25);
        for (String option : javaOptions.trim().split("\\s+")) {
            if (option.startsWith("-Xmx")) {
                return jvmSize(option.substring(4));
            }
            if (option.startsWith("-XX:MaxRAMPercentage=")) {
                heap = (long) (memoryLimit * Double.parseDouble(option.substring(21)) / 100);
            }
        }
        return heap;
    }
}
