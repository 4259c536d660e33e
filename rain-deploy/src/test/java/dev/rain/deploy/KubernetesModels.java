package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks an object against the typed API model of its kind: fabric8's Kubernetes model (generated from the
 * Kubernetes OpenAPI document) for built-in kinds, Strimzi's own model for its custom resources. A field of
 * the wrong type fails to bind; a field the API does not have lands in the model's additional properties,
 * which {@link #unknownFields} reports, as `kubectl apply --validate=strict` would.
 */
final class KubernetesModels {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
        Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
        Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
        Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
        Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
        Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
        Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
        Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
        Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
        Map.entry("policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
        Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
            io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
        Map.entry("monitoring.coreos.com/v1/PodMonitor",
            io.fabric8.openshift.api.model.monitoring.v1.PodMonitor.class),
        Map.entry("kafka.strimzi.io/v1/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
        Map.entry("kafka.strimzi.io/v1/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
        Map.entry("kafka.strimzi.io/v1/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
        Map.entry("kafka.strimzi.io/v1/KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class));

    /** CloudNativePG publishes no Java model; its kinds get the structural checks only. */
    static final String CNPG_CLUSTER = "postgresql.cnpg.io/v1/Cluster";
    static final String CNPG_SCHEDULED_BACKUP = "postgresql.cnpg.io/v1/ScheduledBackup";

    /** Like the API server: "8080" is not an integer and 3 is not a string. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();

    private static final int MAX_DEPTH = 40;

    private KubernetesModels() {
    }

    static boolean isKnown(String type) {
        return MODELS.containsKey(type) || CNPG_CLUSTER.equals(type) || CNPG_SCHEDULED_BACKUP.equals(type);
    }

    static Optional<Class<?>> model(String type) {
        return Optional.ofNullable(MODELS.get(type));
    }

    /** Binds the object to its model; throws with Jackson's path and reason when a field has the wrong type. */
    static Object bind(JsonNode node, Class<?> model) throws java.io.IOException {
        return STRICT.treeToValue(node, model);
    }

    /** The paths of fields the model does not know. */
    static List<String> unknownFields(Object bound) {
        List<String> found = new ArrayList<>();
        walk(bound, "", found, 0);
        return found;
    }

    private static void walk(Object value, String path, List<String> found, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, item) -> walk(item, path + "." + key, found, depth + 1));
            return;
        }
        Class<?> type = value.getClass();
        if (type.isEnum() || !isModelType(type)) {
            return;
        }
        for (Method getter : type.getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // a derived property, not a field
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(key -> found.add(path + "." + key));
                }
                continue;
            }
            walk(child, path + "." + property(getter.getName()), found, depth + 1);
        }
    }

    private static boolean isModelType(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.api.model.") || name.startsWith("io.strimzi.api.");
    }

    private static String property(String getter) {
        String bare = getter.substring(3);
        return bare.isEmpty() ? bare : Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }
}
