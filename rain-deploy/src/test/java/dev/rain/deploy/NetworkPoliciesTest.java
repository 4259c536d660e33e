package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.deploy.NetworkPolicies.Peer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may connect to whom in the namespace, from k8s/15-network-policies.yaml and Strimzi's listener policy. */
class NetworkPoliciesTest {

    static final String NS = KubernetesManifestsTest.NAMESPACE;
    static Manifests manifests;
    static NetworkPolicies policies;
    static Peer api;
    static Peer consumer;
    static Peer redis;
    static Peer redisJob;
    static final Peer KAFKA = Peer.in(NS, Map.of("strimzi.io/cluster", "rain-kafka", "strimzi.io/kind", "Kafka",
        "strimzi.io/broker-role", "true", "strimzi.io/name", "rain-kafka-kafka"));
    static final Peer POSTGRES = Peer.in(NS, Map.of("cnpg.io/cluster", "rain-pg", "cnpg.io/instanceRole", "primary"));
    static final Peer INGRESS = Peer.in("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
    static final Peer PROMETHEUS = Peer.in("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
    static final Peer GRAFANA = Peer.in("monitoring", Map.of("app.kubernetes.io/name", "grafana"));
    static final Peer STRANGER = Peer.in("default", Map.of("app", "anything"));
    static final Peer DNS = Peer.in("kube-system", Map.of("k8s-app", "kube-dns"));

    @BeforeAll
    static void load() {
        manifests = Manifests.load(RepoFiles.resolve("k8s"));
        policies = new NetworkPolicies(manifests);
        api = podOf("Deployment", KubernetesManifestsTest.API);
        consumer = podOf("Deployment", KubernetesManifestsTest.CONSUMER);
        redis = podOf("StatefulSet", "redis-cluster");
        redisJob = podOf("Job", "redis-cluster-create");
    }

    @Test
    @DisplayName("a policy denies every connection in and out of every pod of the namespace unless another allows it")
    void defaultDeny() {
        assertTrue(policies.all().stream().anyMatch(p -> p.spec().path("podSelector").isEmpty()
            && p.spec().path("policyTypes").toString().contains("Ingress") && p.spec().path("policyTypes").toString().contains("Egress")
            && !p.spec().has("ingress") && !p.spec().has("egress")), "no default-deny NetworkPolicy");
        Peer newcomer = Peer.in(NS, Map.of("app.kubernetes.io/name", "something-new"));
        assertEquals(false, policies.allows(newcomer, api, 8080), "a new pod in the namespace reaches the API");
        assertEquals(false, policies.allows(STRANGER, newcomer, 80), "a new pod in the namespace is reachable");
    }

    @Test
    @DisplayName("only the API (and Redis's own nodes and the Job that forms them) reach Redis")
    void onlyTheApiReachesRedis() {
        assertReach(6379, redis, Map.of("api", true, "consumer", false, "kafka", false, "postgres", false,
            "redis", true, "redisJob", true, "ingress", false, "prometheus", false, "stranger", false));
        assertEquals(false, policies.allows(api, redis, 16379), "the API reaches the cluster bus");
    }

    @Test
    @DisplayName("only the API and the consumer reach Kafka's listener")
    void onlyTheServicesReachKafka() {
        int port = single("Kafka").spec().path("kafka").path("listeners").get(0).path("port").asInt();
        assertReach(port, KAFKA, Map.of("api", true, "consumer", true, "redis", false, "redisJob", false,
            "postgres", false, "ingress", false, "prometheus", false, "stranger", false));
    }

    @Test
    @DisplayName("only the API and the consumer (and Postgres's own instances) reach Postgres")
    void onlyTheServicesReachPostgres() {
        assertReach(5432, POSTGRES, Map.of("api", true, "consumer", true, "postgres", true, "redis", false,
            "redisJob", false, "kafka", false, "ingress", false, "prometheus", false, "stranger", false));
    }

    @Test
    @DisplayName("the API's public port is reached from the ingress controller only, the metrics ports from Prometheus only")
    void publicAndMetricsPorts() {
        assertReach(8080, api, Map.of("ingress", true, "prometheus", false, "stranger", false, "consumer", false,
            "redis", false));
        assertReach(9090, api, Map.of("prometheus", true, "grafana", false, "ingress", false, "stranger", false,
            "consumer", false));
        assertReach(8081, consumer, Map.of("prometheus", true, "grafana", false, "ingress", false, "stranger", false,
            "api", false));
    }

    @Test
    @DisplayName("every pod of rain resolves names, and the services reach nothing outside what they use")
    void dnsOnlyOutward() {
        for (Peer pod : List.of(api, consumer, redis, redisJob)) {
            assertTrue(policies.allows(pod, DNS, 53), pod + " cannot resolve names");
        }
        assertEquals(false, policies.allows(api, STRANGER, 443), "the API reaches anything outside");
        assertEquals(false, policies.allows(consumer, redis, 6379), "the consumer reaches Redis");
    }

    private static void assertReach(int port, Peer target, Map<String, Boolean> expected) {
        Map<String, Peer> peers = new LinkedHashMap<>();
        peers.put("api", api);
        peers.put("consumer", consumer);
        peers.put("redis", redis);
        peers.put("redisJob", redisJob);
        peers.put("kafka", KAFKA);
        peers.put("postgres", POSTGRES);
        peers.put("ingress", INGRESS);
        peers.put("prometheus", PROMETHEUS);
        peers.put("grafana", GRAFANA);
        peers.put("stranger", STRANGER);
        List<String> wrong = new ArrayList<>();
        expected.forEach((name, allowed) -> {
            if (policies.allows(peers.get(name), target, port) != allowed) {
                wrong.add(name + (allowed ? " cannot reach " : " reaches ") + target.labels() + " on " + port);
            }
        });
        assertEquals(List.of(), wrong);
    }

    private static Peer podOf(String kind, String name) {
        return Peer.in(NS, Pods.templateLabels(manifests.get(kind, name)));
    }

    private static Manifest single(String kind) {
        List<Manifest> found = manifests.ofKind(kind);
        assertEquals(1, found.size(), kind);
        return found.get(0);
    }
}
