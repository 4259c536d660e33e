package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The API and the consumer point at what k8s/ creates: the Strimzi Kafka and its topics, the CloudNativePG
 * cluster, the Redis Cluster; and those are sized for the pods that use them.
 */
class BackingServicesManifestsTest {

    static Manifests manifests;
    static Map<String, String> api;
    static Map<String, String> consumer;
    static Manifest consumerDeployment;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(RepoFiles.resolve("k8s"));
        ContainerEnvironment environments = new ContainerEnvironment(manifests);
        Manifest apiDeployment = manifests.get("Deployment", KubernetesManifestsTest.API);
        api = environments.resolve(apiDeployment, Pods.container(apiDeployment, "api"));
        consumerDeployment = manifests.get("Deployment", KubernetesManifestsTest.CONSUMER);
        consumer = environments.resolve(consumerDeployment, Pods.container(consumerDeployment, "consumer"));
    }

    @Test
    @DisplayName("both services bootstrap from the Strimzi cluster's bootstrap Service on a listener's port")
    void kafkaBootstrap() {
        Manifest kafka = single("Kafka");
        List<String> expected = new ArrayList<>();
        kafka.spec().path("kafka").path("listeners").forEach(l ->
            expected.add(kafka.name() + "-kafka-bootstrap:" + l.path("port").asInt()));
        assertTrue(expected.contains(api.get("RAIN_KAFKA_BOOTSTRAP")), "API bootstrap " + api.get("RAIN_KAFKA_BOOTSTRAP") + " not in " + expected);
        assertTrue(expected.contains(consumer.get("RAIN_KAFKA_BOOTSTRAP")), "consumer bootstrap " + consumer.get("RAIN_KAFKA_BOOTSTRAP"));
    }

    @Test
    @DisplayName("the Kafka cluster runs in KRaft with controller and broker node pools")
    void kafkaNodePools() {
        Manifest kafka = single("Kafka");
        Set<String> roles = new java.util.HashSet<>();
        int brokers = 0;
        for (Manifest pool : manifests.ofKind("KafkaNodePool")) {
            assertEquals(kafka.name(), Pods.labels(pool.node()).get("strimzi.io/cluster"), pool + " belongs to no Kafka");
            pool.spec().path("roles").forEach(r -> roles.add(r.asText()));
            if (pool.spec().path("roles").toString().contains("broker")) {
                brokers += pool.spec().path("replicas").asInt();
            }
            if (pool.spec().path("roles").toString().contains("controller")) {
                assertEquals(1, pool.spec().path("replicas").asInt() % 2, pool + ": a KRaft quorum wants an odd count");
            }
        }
        assertEquals(Set.of("broker", "controller"), roles);
        assertFalse(kafka.spec().has("zookeeper"), "KRaft only");
        int minIsr = kafka.spec().path("kafka").path("config").path("min.insync.replicas").asInt();
        int replication = kafka.spec().path("kafka").path("config").path("default.replication.factor").asInt();
        assertTrue(minIsr >= 2 && minIsr < replication && replication <= brokers,
            "acks=all must survive one broker down: min.insync " + minIsr + ", replication " + replication + ", brokers " + brokers);
    }

    @Test
    @DisplayName("the settlement topic and its dead-letter topic are KafkaTopics of that cluster, named as configured")
    void topics() {
        Manifest kafka = single("Kafka");
        Map<String, Manifest> byTopic = new HashMap<>();
        for (Manifest topic : manifests.ofKind("KafkaTopic")) {
            assertEquals(kafka.name(), Pods.labels(topic.node()).get("strimzi.io/cluster"), topic + " belongs to no Kafka");
            byTopic.put(topic.spec().path("topicName").asText(topic.name()), topic);
        }
        String settlement = consumer.get("RAIN_SETTLEMENT_TOPIC");
        assertEquals(settlement, api.get("RAIN_SETTLEMENT_TOPIC"), "API and consumer use one topic");
        assertTrue(byTopic.containsKey(settlement), "no KafkaTopic " + settlement);
        assertTrue(byTopic.containsKey(consumer.get("RAIN_SETTLEMENT_DLQ_TOPIC")), "no KafkaTopic for the dead letters");
        for (Manifest topic : byTopic.values()) {
            int replicas = topic.spec().path("replicas").asInt();
            int minIsr = topic.spec().path("config").path("min.insync.replicas").asInt(2);
            assertTrue(replicas >= 3 && minIsr < replicas, topic + ": replicas " + replicas + ", min.insync " + minIsr);
        }
        int partitions = byTopic.get(settlement).spec().path("partitions").asInt();
        int consumers = consumerDeployment.spec().path("replicas").asInt();
        int loops = Integer.parseInt(consumer.get("RAIN_SETTLEMENT_LOOPS"));
        // Each pod's loops are members of the group of their own.
        assertTrue(partitions > 1 && partitions >= consumers * loops,
            partitions + " partitions leave some of " + consumers + " consumer pods' " + loops + " loops each idle");
    }

    @Test
    @DisplayName("both services use the CloudNativePG primary, its database and its generated credentials")
    void postgres() {
        Manifest cluster = single("Cluster");
        String database = cluster.spec().path("bootstrap").path("initdb").path("database").asText();
        for (Map<String, String> env : List.of(api, consumer)) {
            URI url = URI.create(env.get("RAIN_PG_URL").substring("jdbc:".length()));
            assertEquals(cluster.name() + "-rw", url.getHost(), "the ledger writes to the primary only");
            assertEquals("/" + database, url.getPath());
        }
        for (Manifest deployment : List.of(manifests.get("Deployment", KubernetesManifestsTest.API), consumerDeployment)) {
            for (String variable : List.of("RAIN_PG_USER", "RAIN_PG_PASSWORD")) {
                JsonNode entry = null;
                for (JsonNode e : Pods.containers(deployment).get(0).path("env")) {
                    if (e.path("name").asText().equals(variable)) {
                        entry = e;
                    }
                }
                assertTrue(entry != null, deployment + " does not set " + variable);
                assertEquals(cluster.name() + "-app", entry.path("valueFrom").path("secretKeyRef").path("name").asText(),
                    deployment + " " + variable + " should come from the credentials CloudNativePG generates");
            }
        }
        assertTrue(cluster.spec().path("instances").asInt() >= 2, "a replica to fail over to");
    }

    @Test
    @DisplayName("Postgres accepts the connections of every API pod the HPA may start and every consumer pod")
    void postgresConnections() {
        Manifest hpa = single("HorizontalPodAutoscaler");
        int needed = hpa.spec().path("maxReplicas").asInt() * Integer.parseInt(api.get("RAIN_PG_POOL_SIZE"))
            + consumerDeployment.spec().path("replicas").asInt() * Integer.parseInt(consumer.get("RAIN_PG_POOL_SIZE"));
        int max = Integer.parseInt(single("Cluster").spec().path("postgresql").path("parameters").path("max_connections").asText());
        // CloudNativePG, replication and a person with psql need some too.
        assertTrue(needed + 20 <= max, needed + " pooled connections against max_connections " + max);
    }

    @Test
    @DisplayName("the API's Redis Cluster seeds are pods of the Redis StatefulSet, on its Redis port")
    void redisSeeds() {
        Manifest redis = manifests.get("StatefulSet", "redis-cluster");
        int replicas = redis.spec().path("replicas").asInt();
        String service = redis.spec().path("serviceName").asText();
        int port = Pods.port(Pods.container(redis, "redis"), com.fasterxml.jackson.databind.node.TextNode.valueOf("redis")).orElseThrow();
        String seeds = api.get("RAIN_REDIS_CLUSTER_NODES");
        assertTrue(seeds != null && !seeds.isBlank(), "RAIN_REDIS_CLUSTER_NODES is not set for the API");
        for (String seed : seeds.split(",")) {
            String host = seed.substring(0, seed.lastIndexOf(':'));
            assertEquals(String.valueOf(port), seed.substring(seed.lastIndexOf(':') + 1), seed);
            assertTrue(host.matches(redis.name() + "-\\d+\\." + service), seed + " is not a pod of " + redis);
            int ordinal = Integer.parseInt(host.substring(redis.name().length() + 1, host.indexOf('.')));
            assertTrue(ordinal < replicas, seed + " names a pod the StatefulSet does not have");
        }
        assertFalse(api.containsKey("RAIN_REDIS_URL"), "a single-node URL next to the cluster seeds");
    }

    @Test
    @DisplayName("Redis runs clustered, keeps every packet (noeviction, AOF) and stays inside its memory limit")
    void redisConfiguration() {
        Manifest redis = manifests.get("StatefulSet", "redis-cluster");
        int replicas = redis.spec().path("replicas").asInt();
        assertTrue(replicas >= 6 && replicas % 2 == 0, "three masters with a replica each, got " + replicas + " pods");
        String conf = manifests.get("ConfigMap", "redis-cluster").node().path("data").path("redis.conf").asText();
        Map<String, String> settings = new HashMap<>();
        conf.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(l -> settings.put(l.split("\\s+", 2)[0], l.split("\\s+", 2)[1]));
        assertEquals("yes", settings.get("cluster-enabled"));
        assertEquals("noeviction", settings.get("maxmemory-policy"), "an evicted packet is money gone");
        assertEquals("yes", settings.get("appendonly"));
        assertEquals("everysec", settings.get("appendfsync"));
        JsonNode container = Pods.container(redis, "redis");
        double limit = Pods.quantity(container.path("resources"), "limits", "memory").orElseThrow();
        long maxmemory = Pods.jvmSize(settings.get("maxmemory").replace("mb", "m").replace("gb", "g"));
        assertTrue(maxmemory + (192L << 20) <= limit, "maxmemory " + settings.get("maxmemory") + " leaves too little of " + (long) limit);
        String job = manifests.get("Job", "redis-cluster-create").node().toString();
        assertTrue(job.contains("--cluster-create") || job.contains("--cluster create"), "the Job forms the cluster");
        assertTrue(job.contains("--cluster-replicas " + (replicas / 3 - 1)), "one replica per master");
    }

    private static Manifest single(String kind) {
        List<Manifest> found = manifests.ofKind(kind);
        assertEquals(1, found.size(), "one " + kind + " expected, found " + found);
        return found.get(0);
    }
}
