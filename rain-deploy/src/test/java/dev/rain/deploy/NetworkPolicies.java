package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether one pod may open a connection to another, judged from the NetworkPolicies as an enforcing network
 * plugin would: a pod selected by a policy of a direction accepts (or sends) only what some rule of those
 * policies allows; a pod selected by none is open in that direction. Both ends must agree. Strimzi's listener
 * policy (from the listener's networkPolicyPeers) is added as the operator would generate it.
 */
final class NetworkPolicies {

    /** A pod somewhere in the cluster: its namespace, that namespace's labels and its own labels. */
    record Peer(String namespace, Map<String, String> namespaceLabels, Map<String, String> labels) {

        static Peer in(String namespace, Map<String, String> labels) {
            return new Peer(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }
    }

    private final List<Manifest> policies;

    NetworkPolicies(Manifests manifests) {
        this.policies = new ArrayList<>(manifests.ofKind("NetworkPolicy"));
        manifests.ofKind("Kafka").forEach(kafka -> policies.addAll(strimziListenerPolicies(kafka)));
    }

    List<Manifest> all() {
        return policies;
    }

    boolean allows(Peer from, Peer to, int port) {
        return allowed(from, to, port, "Egress", "egress", "to") && allowed(to, from, port, "Ingress", "ingress", "from");
    }

    /** @param self the pod whose policies decide; other the pod at the far end */
    private boolean allowed(Peer self, Peer other, int port, String type, String rulesField, String peersField) {
        boolean selected = false;
        for (Manifest policy : policies) {
            if (!policy.namespace().equals(self.namespace()) || !types(policy).contains(type)
                || !matches(policy.spec().path("podSelector"), self.labels())) {
                continue;
            }
            selected = true;
            for (JsonNode rule : policy.spec().path(rulesField)) {
                if (portMatches(rule.path("ports"), port) && peerMatches(rule.path(peersField), policy.namespace(), other)) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static List<String> types(Manifest policy) {
        List<String> types = new ArrayList<>();
        policy.spec().path("policyTypes").forEach(t -> types.add(t.asText()));
        if (types.isEmpty()) {
            // The API server's default: Ingress, and Egress when there are egress rules.
            types.add("Ingress");
            if (policy.spec().has("egress")) {
                types.add("Egress");
            }
        }
        return types;
    }

    private static boolean portMatches(JsonNode ports, int port) {
        if (ports.isMissingNode() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode p : ports) {
            if (!p.path("port").canConvertToInt()) {
                throw new AssertionError("a named port in a NetworkPolicy is not checked here: " + p);
            }
            if (p.path("port").asInt() == port) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(JsonNode peers, String policyNamespace, Peer other) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode peer : peers) {
            boolean namespaceOk = peer.has("namespaceSelector")
                ? matches(peer.path("namespaceSelector"), other.namespaceLabels())
                : other.namespace().equals(policyNamespace);
            boolean podOk = !peer.has("podSelector") || matches(peer.path("podSelector"), other.labels());
            if (!peer.has("ipBlock") && namespaceOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /** A label selector; {} selects everything. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        if (selector.has("matchExpressions")) {
            throw new AssertionError("matchExpressions are not checked here: " + selector);
        }
        Map<String, String> wanted = new HashMap<>();
        selector.path("matchLabels").fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** What Strimzi generates for each listener: its port open to the listener's networkPolicyPeers (or to all). */
    private static List<Manifest> strimziListenerPolicies(Manifest kafka) {
        List<Manifest> generated = new ArrayList<>();
        for (JsonNode listener : kafka.spec().path("kafka").path("listeners")) {
            ObjectNode policy = Manifests.YAML.createObjectNode();
            policy.putObject("metadata").put("name", kafka.name() + "-listener-" + listener.path("name").asText())
                .put("namespace", kafka.namespace());
            ObjectNode spec = policy.putObject("spec");
            spec.putObject("podSelector").putObject("matchLabels").put("strimzi.io/cluster", kafka.name())
                .put("strimzi.io/broker-role", "true");
            spec.putArray("policyTypes").add("Ingress");
            ObjectNode rule = spec.putArray("ingress").addObject();
            rule.putArray("ports").addObject().put("protocol", "TCP").put("port", listener.path("port").asInt());
            if (listener.has("networkPolicyPeers")) {
                rule.set("from", listener.path("networkPolicyPeers"));
            }
            generated.add(new Manifest("(generated by Strimzi)", policy));
        }
        return generated;
    }
}
