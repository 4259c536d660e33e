package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rain.api.config.ApiConfig;
import dev.rain.settlement.config.ConsumerConfig;
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
    static ContainerEnvironment environments;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(RepoFiles.resolve("k8s"));
        environments = new ContainerEnvironment(manifests);
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
        for (String seed : apiConfig().redisClusterNodes()) {
            URI uri = URI.create(seed);
            assertEquals(port, uri.getPort(), seed);
            assertTrue(uri.getHost().matches(redis.name() + "-\\d+\\." + service), seed + " is not a pod of " + redis);
            int ordinal = Integer.parseInt(uri.getHost().substring(redis.name().length() + 1, uri.getHost().indexOf('.')));
            assertTrue(ordinal < replicas, seed + " names a pod the StatefulSet does not have");
        }
        assertFalse(api.containsKey("RAIN_REDIS_URL"), "a single-node URL next to the cluster seeds");
    }

    @Test
    @DisplayName("Redis demands a password from a Secret, of clients and of its replicas, and the API's seeds log in with it")
    void redisRequiresAuth() {
        Manifest redis = manifests.get("StatefulSet", "redis-cluster");
        Map<String, String> node = environments.resolve(redis, Pods.container(redis, "redis"));
        String password = node.get("REDIS_PASSWORD");
        assertTrue(password != null && !password.isBlank(), "the Redis nodes get no REDIS_PASSWORD");
        JsonNode ref = envEntry(Pods.container(redis, "redis"), "REDIS_PASSWORD").path("valueFrom").path("secretKeyRef");
        assertFalse(ref.isMissingNode(), "REDIS_PASSWORD must come from a Secret");
        assertEquals(password, node.get("REDISCLI_AUTH"), "the readiness probe (redis-cli) must log in");
        String start = manifests.get("ConfigMap", "redis-cluster").node().path("data").path("start.sh").asText();
        assertTrue(start.contains("--requirepass \"$REDIS_PASSWORD\""), "the nodes do not demand the password");
        assertTrue(start.contains("--masterauth \"$REDIS_PASSWORD\""), "replicas could not log in to their masters");
        Manifest job = manifests.get("Job", "redis-cluster-create");
        assertEquals(password, environments.resolve(job, Pods.containers(job).get(0)).get("REDISCLI_AUTH"),
            "the Job that forms the cluster must log in");
        for (String seed : apiConfig().redisClusterNodes()) {
            String userInfo = URI.create(seed).getUserInfo();
            assertEquals("default:" + password, userInfo, "the API's seed " + seed.replace(password, "***")
                + " does not log in with the nodes' password");
        }
    }

    @Test
    @DisplayName("Kafka's only listener wants TLS and a SCRAM login, authorizes by ACL, and both services speak it")
    void kafkaRequiresLoginAndTls() {
        Manifest kafka = single("Kafka");
        JsonNode listeners = kafka.spec().path("kafka").path("listeners");
        for (JsonNode listener : listeners) {
            assertTrue(listener.path("tls").asBoolean(), "listener " + listener.path("name") + " is not TLS");
            assertEquals("scram-sha-512", listener.path("authentication").path("type").asText(),
                "listener " + listener.path("name") + " lets clients in without a login");
        }
        assertEquals("simple", kafka.spec().path("kafka").path("authorization").path("type").asText(), "no ACLs");
        assertTrue(kafka.spec().path("entityOperator").has("userOperator"), "nobody turns KafkaUsers into credentials");
        for (Map<String, String> env : List.of(api, consumer)) {
            assertEquals("SASL_SSL", env.get("RAIN_KAFKA_SECURITY_PROTOCOL"));
            assertEquals("SCRAM-SHA-512", env.get("RAIN_KAFKA_SASL_MECHANISM"));
        }
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", api.get("RAIN_KAFKA_SASL_JAAS_CONFIG"), "ssl.truststore.type", "PEM",
                "ssl.truststore.location", api.get("RAIN_KAFKA_SSL_CA_FILE")),
            apiConfig().kafkaSecurity().clientProperties(), "what the API hands kafka-clients");
        assertEquals(apiConfig().kafkaSecurity().protocol(), consumerConfig().kafkaSecurity().protocol());
        assertTrue(api.get("RAIN_KAFKA_SASL_JAAS_CONFIG").contains("username=\"" + KubernetesManifestsTest.API + "\""));
        assertTrue(consumer.get("RAIN_KAFKA_SASL_JAAS_CONFIG").contains("username=\"" + KubernetesManifestsTest.CONSUMER + "\""));
        for (Manifest deployment : List.of(manifests.get("Deployment", KubernetesManifestsTest.API), consumerDeployment)) {
            String caFile = (deployment == consumerDeployment ? consumer : api).get("RAIN_KAFKA_SSL_CA_FILE");
            assertTrue(mountsSecretFile(deployment, kafka.name() + "-cluster-ca-cert", "ca.crt", caFile),
                deployment + " does not mount Strimzi's cluster CA at " + caFile);
        }
    }

    @Test
    @DisplayName("only the API may write the settlement topic; only the consumer's group may read it and write its dead letters")
    void kafkaAcls() {
        String settlement = consumer.get("RAIN_SETTLEMENT_TOPIC");
        String dlq = consumer.get("RAIN_SETTLEMENT_DLQ_TOPIC");
        Map<String, Set<String>> apiMay = acls(KubernetesManifestsTest.API);
        Map<String, Set<String>> consumerMay = acls(KubernetesManifestsTest.CONSUMER);
        assertEquals(Map.of("topic:" + settlement, Set.of("Write", "Describe")), apiMay);
        assertEquals(Map.of("topic:" + settlement, Set.of("Read", "Describe"),
            "group:" + consumer.get("RAIN_SETTLEMENT_GROUP"), Set.of("Read"),
            "topic:" + dlq, Set.of("Write", "Describe")), consumerMay);
        for (Manifest user : manifests.ofKind("KafkaUser")) {
            assertEquals(single("Kafka").name(), Pods.labels(user.node()).get("strimzi.io/cluster"), user + " belongs to no Kafka");
            assertEquals("scram-sha-512", user.spec().path("authentication").path("type").asText(), user.toString());
            if (!user.name().equals(KubernetesManifestsTest.API)) {
                assertFalse(acls(user.name()).getOrDefault("topic:" + settlement, Set.of()).contains("Write"),
                    user + " may forge claims");
            }
        }
    }

    @Test
    @DisplayName("the ledger archives its WAL and takes a nightly base backup to object storage, with keys from a Secret")
    void postgresBackups() {
        Manifest cluster = single("Cluster");
        JsonNode store = cluster.spec().path("backup").path("barmanObjectStore");
        assertTrue(store.path("destinationPath").asText().matches("s3://\\S+"), "no S3 destination: " + store);
        SecretSources secrets = new SecretSources(manifests);
        for (String field : List.of("accessKeyId", "secretAccessKey")) {
            JsonNode ref = store.path("s3Credentials").path(field);
            Set<String> keys = secrets.keys(ref.path("name").asText()).orElseThrow(() -> new AssertionError(
                field + ": Secret " + ref.path("name") + " is created nowhere (k8s/README.md \"Secrets\")"));
            assertTrue(keys.contains(ref.path("key").asText()), field + ": no key " + ref.path("key") + " in " + keys);
        }
        assertTrue(cluster.spec().path("backup").path("retentionPolicy").asText().matches("\\d+[dwm]"), "no retention");
        Manifest scheduled = single("ScheduledBackup");
        assertEquals(cluster.name(), scheduled.spec().path("cluster").path("name").asText(), scheduled + " backs up no cluster");
        assertEquals("barmanObjectStore", scheduled.spec().path("method").asText("barmanObjectStore"));
        // CloudNativePG's schedule has six fields, seconds first; five would be read as every minute's second N.
        assertEquals(6, scheduled.spec().path("schedule").asText().trim().split("\\s+").length,
            "schedule " + scheduled.spec().path("schedule"));
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

    private static Map<String, Set<String>> acls(String user) {
        Map<String, Set<String>> may = new HashMap<>();
        JsonNode authorization = manifests.get("KafkaUser", user).spec().path("authorization");
        assertEquals("simple", authorization.path("type").asText(), user);
        for (JsonNode acl : authorization.path("acls")) {
            JsonNode resource = acl.path("resource");
            assertEquals("literal", resource.path("patternType").asText("literal"), user + ": a prefix ACL grants more than named");
            assertEquals("allow", acl.path("type").asText("allow"), user);
            Set<String> operations = may.computeIfAbsent(resource.path("type").asText() + ":" + resource.path("name").asText(),
                k -> new java.util.HashSet<>());
            acl.path("operations").forEach(o -> operations.add(o.asText()));
        }
        return may;
    }

    private static boolean mountsSecretFile(Manifest workload, String secret, String key, String file) {
        JsonNode container = Pods.containers(workload).get(0);
        for (JsonNode volume : Manifests.podTemplate(workload).path("spec").path("volumes")) {
            if (!volume.path("secret").path("secretName").asText().equals(secret)) {
                continue;
            }
            for (JsonNode mount : container.path("volumeMounts")) {
                if (!mount.path("name").asText().equals(volume.path("name").asText())) {
                    continue;
                }
                for (JsonNode item : volume.path("secret").path("items")) {
                    if (item.path("key").asText().equals(key)
                        && (mount.path("mountPath").asText() + "/" + item.path("path").asText()).equals(file)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static JsonNode envEntry(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static ApiConfig apiConfig() {
        return ApiConfig.fromEnv(api);
    }

    private static ConsumerConfig consumerConfig() {
        return ConsumerConfig.fromEnv(consumer);
    }

    private static Manifest single(String kind) {
        List<Manifest> found = manifests.ofKind(kind);
        assertEquals(1, found.size(), "one " + kind + " expected, found " + found);
        return found.get(0);
    }
}
