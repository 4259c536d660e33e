package dev.rain.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Secrets pods may read although no file in k8s/ holds them: the ones k8s/README.md tells the operator to
 * create once (its `kubectl create secret generic` lines), and the ones Strimzi and CloudNativePG make. A
 * reference to any other Secret, or to a key none of these has, is a pod that would never start.
 */
final class SecretSources {

    /** The keys of the Secret "<cluster>-app" CloudNativePG creates for the database owner. */
    static final Set<String> CNPG_APP_SECRET_KEYS =
        Set.of("username", "password", "dbname", "host", "port", "uri", "jdbc-uri", "pgpass", "user");
    /** Strimzi's Secret of a SCRAM-SHA-512 KafkaUser, named after the user. */
    static final Set<String> KAFKA_USER_SECRET_KEYS = Set.of("password", "sasl.jaas.config");
    /** Strimzi's "<cluster>-cluster-ca-cert". */
    static final Set<String> CLUSTER_CA_KEYS = Set.of("ca.crt", "ca.p12", "ca.password");

    private static final Pattern CREATE = Pattern.compile(
        "kubectl -n rain create secret generic ([a-z0-9-]+)((?:\\s*\\\\?\\s*--from-literal=[A-Za-z0-9_.-]+=\\S+)+)");
    private static final Pattern LITERAL = Pattern.compile("--from-literal=([A-Za-z0-9_.-]+)=");

    private final Manifests manifests;
    private final Map<String, Set<String>> createdOnce;

    SecretSources(Manifests manifests) {
        this.manifests = manifests;
        this.createdOnce = documentedInReadme();
    }

    /** Secret name to keys, from the `kubectl -n rain create secret generic` lines of k8s/README.md. */
    static Map<String, Set<String>> documentedInReadme() {
        String readme;
        try {
            readme = Files.readString(RepoFiles.resolve("k8s/README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> found = new HashMap<>();
        Matcher create = CREATE.matcher(readme);
        while (create.find()) {
            Set<String> keys = new LinkedHashSet<>();
            Matcher literal = LITERAL.matcher(create.group(2));
            while (literal.find()) {
                keys.add(literal.group(1));
            }
            found.put(create.group(1), keys);
        }
        return found;
    }

    Map<String, Set<String>> createdOnce() {
        return createdOnce;
    }

    /** The keys of a Secret made outside k8s/, or empty when nobody makes it. */
    Optional<Set<String>> keys(String secret) {
        if (createdOnce.containsKey(secret)) {
            return Optional.of(createdOnce.get(secret));
        }
        if (kafkaUser(secret).isPresent()) {
            return Optional.of(KAFKA_USER_SECRET_KEYS);
        }
        if (manifests.ofKind("Kafka").stream().anyMatch(k -> secret.equals(k.name() + "-cluster-ca-cert"))) {
            return Optional.of(CLUSTER_CA_KEYS);
        }
        if (cnpgClusterOwning(secret).isPresent()) {
            return Optional.of(CNPG_APP_SECRET_KEYS);
        }
        return Optional.empty();
    }

    /** What the pod would read: a stand-in of the right shape (the deployed values are nobody's business here). */
    String standIn(String secret, String key) {
        Optional<Manifest> user = kafkaUser(secret);
        if (user.isPresent() && key.equals("sasl.jaas.config")) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user.get().name()
                + "\" password=\"made-by-strimzi\";";
        }
        Optional<Manifest> cluster = cnpgClusterOwning(secret);
        if (cluster.isPresent() && (key.equals("username") || key.equals("user"))) {
            return cluster.get().spec().path("bootstrap").path("initdb").path("owner").asText();
        }
        // URL-safe and longer than any minimum the services demand, as `openssl rand -hex 32` would be.
        return "standin-" + secret + "-" + key.toLowerCase().replaceAll("[^a-z0-9]", "") + "-0123456789abcdef0123456789abcdef";
    }

    Optional<Manifest> kafkaUser(String secret) {
        return manifests.ofKind("KafkaUser").stream().filter(u -> u.name().equals(secret)).findFirst();
    }

    /** CloudNativePG names the owner's Secret "<cluster>-app". */
    Optional<Manifest> cnpgClusterOwning(String secretName) {
        return manifests.all().stream()
            .filter(m -> m.type().equals(KubernetesModels.CNPG_CLUSTER))
            .filter(m -> secretName.equals(m.name() + "-app"))
            .findFirst();
    }
}
