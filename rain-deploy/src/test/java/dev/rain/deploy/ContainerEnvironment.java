package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment a container gets, resolved from the manifests as the kubelet would: envFrom first, then
 * env entries, each value with $(NAME) of an earlier variable expanded. A reference to a ConfigMap or Secret
 * that neither a manifest, nor the README's one-time creation, nor an operator makes fails, as the pod would
 * never start.
 */
final class ContainerEnvironment {

    /** $(NAME), which the kubelet replaces by an earlier variable's value; $$(NAME) escapes it. */
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    private final Manifests manifests;
    private final SecretSources secrets;

    ContainerEnvironment(Manifests manifests) {
        this.manifests = manifests;
        this.secrets = new SecretSources(manifests);
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
            env.put(variable.path("name").asText(), expand(value(workload, variable), env, variable));
        }
        return env;
    }

    /** The variables of a container that only feed $(NAME) references of later ones: read by the kubelet. */
    static Set<String> referencedOnly(JsonNode container) {
        Set<String> referenced = new java.util.HashSet<>();
        for (JsonNode variable : container.path("env")) {
            Matcher m = REFERENCE.matcher(variable.path("value").asText());
            while (m.find()) {
                referenced.add(m.group(1));
            }
        }
        return referenced;
    }

    private static String expand(String value, Map<String, String> earlier, JsonNode variable) {
        if (!variable.has("value")) {
            return value; // the kubelet expands only literal values
        }
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // An undefined name stays as written, as the kubelet leaves it.
            String replacement = earlier.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
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
        Set<String> keys = secrets.keys(secretName).orElseThrow(() -> new AssertionError(workload + " " + variable
            + ": Secret " + secretName + " is neither created once as k8s/README.md says nor made by an operator"));
        if (!keys.contains(key)) {
            throw new AssertionError(workload + " " + variable + ": Secret " + secretName + " has no key " + key
                + " (has " + keys + ")");
        }
        return secrets.standIn(secretName, key);
    }

    SecretSources secrets() {
        return secrets;
    }

    static Map<String, String> secretData(Manifest secret) {
        Map<String, String> data = new LinkedHashMap<>();
        secret.node().path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
            new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        secret.node().path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }
}
