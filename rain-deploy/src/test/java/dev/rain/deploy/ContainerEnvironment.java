package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment a container gets, resolved from the manifests as the kubelet would: envFrom first, then
 * env entries. A reference to a ConfigMap or Secret that no manifest (nor CloudNativePG) creates fails, as
 * the pod would never start.
 */
final class ContainerEnvironment {

    /** The keys of the Secret "<cluster>-app" CloudNativePG creates for the database owner. */
    static final Set<String> CNPG_APP_SECRET_KEYS =
        Set.of("username", "password", "dbname", "host", "port", "uri", "jdbc-uri", "pgpass", "user");

    private final Manifests manifests;

    ContainerEnvironment(Manifests manifests) {
        this.manifests = manifests;
    }

    Map<String, String> resolve(Manifest workload, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            if (source.has("configMapRef")) {
                String name = source.path("configMapRef").path("name").asText();
                Manifest map = manifests.find("ConfigMap", name)
                    .orElseThrow(() -> new AssertionError(workload + " takes envFrom a ConfigMap " + name + " nobody creates"));
                map.node().path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            } else if (source.has("secretRef")) {
                String name = source.path("secretRef").path("name").asText();
                Manifest secret = manifests.find("Secret", name)
                    .orElseThrow(() -> new AssertionError(workload + " takes envFrom a Secret " + name + " nobody creates"));
                secretData(secret).forEach(env::put);
            } else {
                throw new AssertionError(workload + ": unknown envFrom source " + source);
            }
        }
        for (JsonNode variable : container.path("env")) {
            env.put(variable.path("name").asText(), value(workload, variable));
        }
        return env;
    }

    private String value(Manifest workload, JsonNode variable) {
        if (variable.has("value")) {
            return variable.path("value").asText();
        }
        JsonNode from = variable.path("valueFrom");
        String name = variable.path("name").asText();
        if (from.has("configMapKeyRef")) {
            JsonNode ref = from.path("configMapKeyRef");
            Manifest map = manifests.find("ConfigMap", ref.path("name").asText())
                .orElseThrow(() -> new AssertionError(workload + " " + name + ": no ConfigMap " + ref.path("name")));
            JsonNode value = map.node().path("data").path(ref.path("key").asText());
            if (value.isMissingNode()) {
                throw new AssertionError(workload + " " + name + ": ConfigMap " + map.name() + " has no key " + ref.path("key"));
            }
            return value.asText();
        }
        if (from.has("secretKeyRef")) {
            return secretValue(workload, name, from.path("secretKeyRef"));
        }
        if (from.has("fieldRef")) {
            String field = from.path("fieldRef").path("fieldPath").asText();
            return switch (field) {
                case "metadata.name" -> workload.name() + "-7d9f8b6c4-x2k9p";
                case "metadata.namespace" -> workload.namespace();
                default -> throw new AssertionError(workload + " " + name + ": unexpected fieldRef " + field);
            };
        }
        throw new AssertionError(workload + " " + name + ": neither a value nor a known valueFrom: " + variable);
    }

    private String secretValue(Manifest workload, String variable, JsonNode ref) {
        String secretName = ref.path("name").asText();
        String key = ref.path("key").asText();
        Optional<Manifest> secret = manifests.find("Secret", secretName);
        if (secret.isPresent()) {
            String value = secretData(secret.get()).get(key);
            if (value == null) {
                throw new AssertionError(workload + " " + variable + ": Secret " + secretName + " has no key " + key);
            }
            return value;
        }
        Manifest cluster = cnpgClusterOwning(secretName).orElseThrow(() -> new AssertionError(
            workload + " " + variable + ": Secret " + secretName + " is neither in k8s/ nor made by an operator"));
        if (!CNPG_APP_SECRET_KEYS.contains(key)) {
            throw new AssertionError(workload + " " + variable + ": CloudNativePG's " + secretName + " has no key " + key);
        }
        String owner = cluster.spec().path("bootstrap").path("initdb").path("owner").asText();
        return key.equals("username") || key.equals("user") ? owner : "password-made-by-cloudnative-pg";
    }

    /** CloudNativePG names the owner's Secret "<cluster>-app". */
    Optional<Manifest> cnpgClusterOwning(String secretName) {
        return manifests.all().stream()
            .filter(m -> m.type().equals(KubernetesModels.CNPG_CLUSTER))
            .filter(m -> secretName.equals(m.name() + "-app"))
            .findFirst();
    }

    static Map<String, String> secretData(Manifest secret) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.node().path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
            new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        secret.node().path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }
}
