package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rain.api.config.ApiConfig;
import dev.rain.settlement.config.ConsumerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every object in k8s/ against the Kubernetes and Strimzi API models, and the workloads against the code. */
class KubernetesManifestsTest {

    static final String NAMESPACE = "rain";
    static final String API = "rain-api";
    static final String CONSUMER = "rain-settlement-consumer";
    /** A JWT secret the API accepts, for configurations built outside k8s/. */
    static final String DEPLOYED_SECRET = "a-secret-of-at-least-32-bytes-from-openssl-rand";
    /** A release tag names one version (7.2.5, 15.8, 0.1.0); 7 or 7.2 moves when a new one is pushed. */
    static final java.util.regex.Pattern EXACT_TAG = java.util.regex.Pattern.compile("\\d+\\.\\d+(\\.\\d+)?([-.][\\w.-]+)?");
    static final java.util.regex.Pattern DIGEST = java.util.regex.Pattern.compile("@sha256:[0-9a-f]{64}$");

    static Manifests manifests;
    static ContainerEnvironment environments;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(RepoFiles.resolve("k8s"));
        environments = new ContainerEnvironment(manifests);
    }

    @Test
    @DisplayName("k8s/ holds the objects a platform team expects, and only kinds with a known API version")
    void knownKinds() {
        List<String> unknown = manifests.all().stream().filter(m -> !KubernetesModels.isKnown(m.type()))
            .map(m -> m + " has unknown apiVersion/kind " + m.type()).toList();
        assertEquals(List.of(), unknown);
        Set<String> kinds = new HashSet<>();
        manifests.all().forEach(m -> kinds.add(m.kind()));
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
            "ConfigMap", "Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Cluster", "ScheduledBackup", "StatefulSet", "Job",
            "NetworkPolicy", "PodMonitor")), kinds.toString());
    }

    @Test
    @DisplayName("every object binds to its API model with no field of a wrong type and no unknown field")
    void matchesApiModels() {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests.all()) {
            Optional<Class<?>> model = KubernetesModels.model(m.type());
            if (model.isEmpty()) {
                continue;
            }
            try {
                Object bound = KubernetesModels.bind(m.node(), model.get());
                KubernetesModels.unknownFields(bound).forEach(f -> problems.add(m + ": unknown field " + f));
            } catch (Exception e) {
                problems.add(m + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    @DisplayName("every object has a name, lives in the rain namespace and is declared once")
    void namesAndNamespace() {
        Set<String> seen = new HashSet<>();
        for (Manifest m : manifests.all()) {
            assertFalse(m.name().isBlank(), m + " has no name");
            if (!m.kind().equals("Namespace")) {
                assertEquals(NAMESPACE, m.namespace(), m + " namespace");
            }
            assertTrue(seen.add(m.type() + "/" + m.name()), m + " is declared twice");
        }
        manifests.get("Namespace", NAMESPACE);
    }

    @Test
    @DisplayName("ConfigMap values are strings, as the API server demands (an unquoted 8080 is refused)")
    void configMapValuesAreStrings() {
        for (Manifest map : manifests.ofKind("ConfigMap")) {
            map.node().path("data").fields().forEachRemaining(e ->
                assertTrue(e.getValue().isTextual(), map + " " + e.getKey() + " is not a string: " + e.getValue()));
        }
    }

    @Test
    @DisplayName("no password or secret sits in a ConfigMap, where anyone who may read the namespace sees it")
    void noSecretsInConfigMaps() {
        for (Manifest map : manifests.ofKind("ConfigMap")) {
            map.node().path("data").fieldNames().forEachRemaining(key -> assertFalse(
                key.matches("(?i).*(PASSWORD|SECRET|TOKEN).*"), map + " holds " + key));
        }
    }

    @Test
    @DisplayName("each Deployment's and StatefulSet's selector matches its own pod template labels")
    void selectorsMatchTemplates() {
        for (Manifest w : manifests.workloads()) {
            if (w.kind().equals("Job")) {
                continue;
            }
            Map<String, String> selector = Pods.selector(w.spec().path("selector"));
            assertTrue(Pods.selects(selector, Pods.templateLabels(w)),
                w + " selector " + selector + " does not match its template labels " + Pods.templateLabels(w));
        }
    }

    @Test
    @DisplayName("every Service selects pods of a workload and targets a port their containers declare")
    void servicesReachDeclaredPorts() {
        for (Manifest service : manifests.ofKind("Service")) {
            Map<String, String> selector = Pods.selector(service.spec().path("selector"));
            List<Manifest> selected = manifests.workloads().stream()
                .filter(w -> Pods.selects(selector, Pods.templateLabels(w))).toList();
            assertFalse(selected.isEmpty(), service + " selects no pods with " + selector);
            for (JsonNode port : service.spec().path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (Manifest w : selected) {
                    boolean declared = Pods.containers(w).stream().anyMatch(c -> Pods.port(c, target).isPresent());
                    assertTrue(declared, service + " targets port " + target + " that " + w + " does not declare");
                }
            }
        }
        for (Manifest set : manifests.ofKind("StatefulSet")) {
            Manifest governing = manifests.get("Service", set.spec().path("serviceName").asText());
            assertEquals("None", governing.spec().path("clusterIP").asText(), governing + " must be headless for " + set);
        }
    }

    @Test
    @DisplayName("the API's probes ask paths its router serves, on the declared port")
    void apiProbesHitServedPaths() {
        JsonNode container = Pods.container(manifests.get("Deployment", API), "api");
        Set<String> served = ServedPaths.api();
        List<JsonNode> probes = Pods.httpProbes(container);
        assertTrue(probes.size() >= 2, "the API needs liveness and readiness probes");
        for (JsonNode probe : probes) {
            assertTrue(served.contains(probe.path("path").asText()), "the API does not serve " + probe.path("path"));
            assertTrue(Pods.port(container, probe.path("port")).isPresent(), "probe port " + probe.path("port") + " is not declared");
        }
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
    }

    @Test
    @DisplayName("the consumer's probes ask paths its health server answers with 200, on the declared port")
    void consumerProbesHitServedPaths() {
        JsonNode container = Pods.container(manifests.get("Deployment", CONSUMER), "consumer");
        List<JsonNode> probes = Pods.httpProbes(container);
        assertTrue(probes.size() >= 2, "the consumer needs liveness and readiness probes");
        for (JsonNode probe : probes) {
            String path = probe.path("path").asText();
            assertEquals(200, ServedPaths.consumerStatus(path), "the consumer's health server on " + path);
            assertTrue(Pods.port(container, probe.path("port")).isPresent(), "probe port " + probe.path("port") + " is not declared");
        }
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
    }

    @Test
    @DisplayName("each service listens where its configuration says: RAIN_HTTP_PORT, RAIN_MANAGEMENT_PORT and RAIN_CONSUMER_HEALTH_PORT")
    void portsMatchConfiguration() {
        Manifest api = manifests.get("Deployment", API);
        JsonNode apiContainer = Pods.container(api, "api");
        ApiConfig apiConfig = ApiConfig.fromEnv(deployedApiEnvironment());
        assertEquals(Optional.of(apiConfig.httpPort()), Pods.port(apiContainer, textNode("http")), "API container port");
        assertEquals(Optional.of(apiConfig.management().port()), Pods.port(apiContainer, textNode("management")),
            "API management container port");
        assertEquals(String.valueOf(apiConfig.management().port()), annotation(api, "prometheus.io/port"),
            "Prometheus scrapes the API's management port: the public one has no /metrics");
        assertEquals("/metrics", annotation(api, "prometheus.io/path"));

        Manifest consumer = manifests.get("Deployment", CONSUMER);
        JsonNode consumerContainer = Pods.container(consumer, "consumer");
        ConsumerConfig consumerConfig = ConsumerConfig.fromEnv(environments.resolve(consumer, consumerContainer));
        assertEquals(Optional.of(consumerConfig.healthPort()), Pods.port(consumerContainer, textNode("health")),
            "consumer health port");
        assertEquals(String.valueOf(consumerConfig.healthPort()), annotation(consumer, "prometheus.io/port"));
    }

    @Test
    @DisplayName("a PodMonitor scrapes /metrics of the API and of the consumer on the port their annotations name")
    void podMonitorsScrapeTheMetricsPorts() {
        for (String workload : List.of(API, CONSUMER)) {
            Manifest deployment = manifests.get("Deployment", workload);
            Manifest monitor = manifests.get("PodMonitor", workload);
            Map<String, String> selector = Pods.selector(monitor.spec().path("selector"));
            assertTrue(Pods.selects(selector, Pods.templateLabels(deployment)), monitor + " does not select " + deployment);
            JsonNode endpoints = monitor.spec().path("podMetricsEndpoints");
            assertEquals(1, endpoints.size(), monitor + " endpoints");
            JsonNode endpoint = endpoints.get(0);
            assertEquals("/metrics", endpoint.path("path").asText(), monitor + " path");
            Optional<Integer> port = Pods.containers(deployment).stream()
                .map(container -> Pods.port(container, endpoint.path("port"))).flatMap(Optional::stream).findFirst();
            assertEquals(Optional.of(Integer.valueOf(annotation(deployment, "prometheus.io/port"))), port,
                monitor + " scrapes port " + endpoint.path("port") + ", not the metrics port of " + deployment);
        }
    }

    @Test
    @DisplayName("no Service publishes the API's management port, so only what reaches pods directly can scrape it")
    void managementPortIsInNoService() {
        Manifest api = manifests.get("Deployment", API);
        int httpPort = ApiConfig.fromEnv(deployedApiEnvironment()).httpPort();
        for (Manifest service : manifests.ofKind("Service")) {
            if (!Pods.selects(Pods.selector(service.spec().path("selector")), Pods.templateLabels(api))) {
                continue;
            }
            for (JsonNode port : service.spec().path("ports")) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                assertEquals(Optional.of(httpPort), Pods.port(Pods.container(api, "api"), target),
                    service + " publishes " + target + ", not the public port alone");
            }
        }
    }

    @Test
    @DisplayName("every variable handed to the API or the consumer is one that service reads")
    void everyVariableIsRead() {
        Map<String, String> apiEnv = deployedApiEnvironment();
        Set<String> unread = new TreeSet<>(apiEnv.keySet());
        unread.removeAll(ServiceVariables.api(apiEnv));
        // Only the kubelet reads these: they fill $(NAME) in a later variable.
        unread.removeAll(ContainerEnvironment.referencedOnly(Pods.container(manifests.get("Deployment", API), "api")));
        assertEquals(Set.of(), unread, "set for the API but never read by it");

        Manifest consumer = manifests.get("Deployment", CONSUMER);
        Map<String, String> consumerEnv = environments.resolve(consumer, Pods.container(consumer, "consumer"));
        Set<String> unreadByConsumer = new TreeSet<>(consumerEnv.keySet());
        unreadByConsumer.removeAll(ServiceVariables.consumer(consumerEnv));
        assertEquals(Set.of(), unreadByConsumer, "set for the consumer but never read by it");
    }

    @Test
    @DisplayName("no file in k8s/ holds a Secret, so applying them never overwrites the real one with a placeholder")
    void noSecretIsApplied() {
        assertEquals(List.of(), manifests.ofKind("Secret"));
    }

    @Test
    @DisplayName("every Secret a pod reads or mounts is created once as k8s/README.md says, or made by an operator, with that key")
    void everySecretIsCreatedOnceOrByAnOperator() {
        SecretSources secrets = environments.secrets();
        List<String> problems = new ArrayList<>();
        for (Manifest w : manifests.workloads()) {
            for (JsonNode c : Pods.containers(w)) {
                for (JsonNode e : c.path("env")) {
                    JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                    if (!ref.isMissingNode()) {
                        checkSecret(secrets, w, ref.path("name").asText(), ref.path("key").asText(), problems);
                    }
                }
                c.path("envFrom").forEach(from -> assertTrue(from.path("secretRef").isMissingNode(),
                    w + " takes a whole Secret as its environment: name the keys"));
            }
            for (JsonNode volume : Manifests.podTemplate(w).path("spec").path("volumes")) {
                JsonNode secret = volume.path("secret");
                if (!secret.isMissingNode()) {
                    assertFalse(secret.path("items").isEmpty(), w + " mounts all of " + secret.path("secretName"));
                    secret.path("items").forEach(item ->
                        checkSecret(secrets, w, secret.path("secretName").asText(), item.path("key").asText(), problems));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(secrets.createdOnce().containsKey("rain-api-secrets"), "README says how to create the JWT secret");
    }

    private static void checkSecret(SecretSources secrets, Manifest w, String name, String key, List<String> problems) {
        Optional<Set<String>> keys = secrets.keys(name);
        if (keys.isEmpty()) {
            problems.add(w + " reads Secret " + name + ", which neither k8s/README.md creates nor an operator makes");
        } else if (!keys.get().contains(key)) {
            problems.add(w + " reads key " + key + " of Secret " + name + ", which has " + keys.get());
        }
    }

    @Test
    @DisplayName("kustomization.yaml applies every manifest file and sets the images of both services")
    void kustomizationAppliesEverything() throws Exception {
        Kustomization kustomization = Kustomization.load(RepoFiles.resolve("k8s"));
        Set<String> files = new TreeSet<>();
        try (var listing = java.nio.file.Files.list(RepoFiles.resolve("k8s"))) {
            listing.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                .filter(f -> !f.equals(Manifests.KUSTOMIZATION)).forEach(files::add);
        }
        assertEquals(files, new TreeSet<>(kustomization.resources()), "`kubectl apply -k k8s/` would skip or miss a file");
        for (String name : List.of(API, CONSUMER)) {
            String image = Pods.containers(manifests.get("Deployment", name)).get(0).path("image").asText();
            assertTrue(kustomization.sets(image), "kustomization.yaml does not set " + image);
        }
    }

    @Test
    @DisplayName("no image is applied by a floating tag: each has a digest or an exact release tag, never latest or none")
    void imagesArePinned() {
        Kustomization kustomization = Kustomization.load(RepoFiles.resolve("k8s"));
        List<String> images = new ArrayList<>();
        manifests.workloads().forEach(w -> Pods.containers(w).forEach(c -> images.add(c.path("image").asText())));
        manifests.ofKind("Cluster").forEach(c -> images.add(c.spec().path("imageName").asText()));
        assertFalse(images.isEmpty());
        List<String> floating = new ArrayList<>();
        for (String image : images) {
            String applied = kustomization.applied(image);
            if (!isPinned(applied)) {
                floating.add(image + (applied.equals(image) ? "" : " (applied as " + applied + ")"));
            }
        }
        assertEquals(List.of(), floating, "images by floating tag");
    }

    static boolean isPinned(String image) {
        if (DIGEST.matcher(image).find()) {
            return true;
        }
        String name = Kustomization.name(image);
        return image.length() > name.length() && EXACT_TAG.matcher(image.substring(name.length() + 1)).matches();
    }

    @Test
    @DisplayName("the HPA scales an existing Deployment whose containers all request CPU")
    void hpaTargetsADeployment() {
        for (Manifest hpa : manifests.ofKind("HorizontalPodAutoscaler")) {
            JsonNode ref = hpa.spec().path("scaleTargetRef");
            assertEquals("Deployment", ref.path("kind").asText());
            assertEquals("apps/v1", ref.path("apiVersion").asText());
            Manifest target = manifests.get("Deployment", ref.path("name").asText());
            int min = hpa.spec().path("minReplicas").asInt(1);
            int max = hpa.spec().path("maxReplicas").asInt();
            assertTrue(min >= 2 && min <= max, hpa + " min " + min + " max " + max);
            for (JsonNode c : Pods.containers(target)) {
                assertTrue(Pods.quantity(c.path("resources"), "requests", "cpu").isPresent(),
                    "CPU utilization needs a CPU request on " + target + " " + c.path("name"));
            }
        }
        assertEquals(API, manifests.ofKind("HorizontalPodAutoscaler").get(0).spec().path("scaleTargetRef").path("name").asText());
    }

    @Test
    @DisplayName("every PodDisruptionBudget selects the pods of a workload and still lets one be evicted")
    void pdbsSelectWorkloads() {
        Set<String> covered = new HashSet<>();
        for (Manifest pdb : manifests.ofKind("PodDisruptionBudget")) {
            Map<String, String> selector = Pods.selector(pdb.spec().path("selector"));
            List<Manifest> selected = manifests.workloads().stream()
                .filter(w -> Pods.selects(selector, Pods.templateLabels(w))).toList();
            assertEquals(1, selected.size(), pdb + " must select exactly one workload, selects " + selected);
            Manifest workload = selected.get(0);
            covered.add(workload.name());
            int replicas = workload.spec().path("replicas").asInt(1);
            if (pdb.spec().has("minAvailable")) {
                assertTrue(pdb.spec().path("minAvailable").asInt() < replicas, pdb + " would block every eviction");
            } else {
                assertTrue(pdb.spec().path("maxUnavailable").asInt() >= 1, pdb + " would block every eviction");
            }
        }
        assertTrue(covered.containsAll(Set.of(API, CONSUMER, "redis-cluster")), "PDBs cover " + covered);
    }

    @Test
    @DisplayName("every container requests CPU and memory and has a memory limit no lower than its request")
    void resourcesBounded() {
        for (Manifest w : manifests.workloads()) {
            for (JsonNode c : Pods.containers(w)) {
                JsonNode r = c.path("resources");
                String where = w + " container " + c.path("name").asText();
                double cpu = Pods.quantity(r, "requests", "cpu").orElseThrow(() -> new AssertionError(where + " has no CPU request"));
                double memory = Pods.quantity(r, "requests", "memory").orElseThrow(() -> new AssertionError(where + " has no memory request"));
                double memoryLimit = Pods.quantity(r, "limits", "memory").orElseThrow(() -> new AssertionError(where + " has no memory limit"));
                assertTrue(memoryLimit >= memory, where + ": memory limit below request");
                Pods.quantity(r, "limits", "cpu").ifPresent(limit -> assertTrue(limit >= cpu, where + ": CPU limit below request"));
            }
        }
    }

    @Test
    @DisplayName("each JVM's heap leaves room for the rest of the process inside its memory limit")
    void heapsFitLimits() {
        // Non-heap: metaspace, code cache, thread stacks, GC structures; the API adds Netty's direct buffers.
        Map<String, Long> nonHeap = Map.of(API, 384L << 20, CONSUMER, 160L << 20);
        for (String name : nonHeap.keySet()) {
            Manifest w = manifests.get("Deployment", name);
            JsonNode c = Pods.containers(w).get(0);
            double limit = Pods.quantity(c.path("resources"), "limits", "memory").orElseThrow();
            String options = environments.resolve(w, c).getOrDefault("JAVA_TOOL_OPTIONS", "");
            assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), w + " should exit on OOM, not limp on");
            if (name.equals(API)) {
                // Under 1792 MiB the JVM's own choice would be the serial collector, not the one the bench measures.
                assertTrue(options.contains("-XX:+UseG1GC"), w + " should name the collector its image names: " + options);
            }
            long heap = Pods.maxHeap(options, limit);
            assertTrue(heap + nonHeap.get(name) <= limit, w + ": heap " + (heap >> 20) + " MiB + non-heap "
                + (nonHeap.get(name) >> 20) + " MiB exceeds the limit of " + ((long) limit >> 20) + " MiB");
            assertTrue(heap >= 128L << 20, w + ": heap of " + (heap >> 20) + " MiB is too small to run");
        }
        for (Manifest pool : manifests.ofKind("KafkaNodePool")) {
            JsonNode spec = pool.spec();
            long heap = Pods.jvmSize(spec.path("jvmOptions").path("-Xmx").asText());
            double limit = Pods.quantity(spec.path("resources"), "limits", "memory").orElseThrow();
            assertTrue(heap + (512L << 20) <= limit, pool + ": -Xmx leaves less than 512 MiB for the broker's page cache");
        }
    }

    @Test
    @DisplayName("every pod meets Pod Security restricted (non-root, no escalation, no capabilities); ours run as the images' uid")
    void podsRunUnprivileged() {
        for (Manifest w : manifests.workloads()) {
            JsonNode pod = Manifests.podTemplate(w).path("spec");
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), w + " runAsNonRoot");
            assertTrue(pod.path("securityContext").path("runAsUser").asInt() > 0, w + " runAsUser");
            assertEquals("RuntimeDefault", pod.path("securityContext").path("seccompProfile").path("type").asText(),
                w + " seccompProfile (Pod Security restricted)");
            for (JsonNode c : Pods.containers(w)) {
                assertFalse(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true),
                    w + " " + c.path("name") + " allowPrivilegeEscalation");
                assertEquals("[\"ALL\"]", c.path("securityContext").path("capabilities").path("drop").toString(),
                    w + " " + c.path("name") + " must drop all capabilities (Pod Security restricted)");
            }
        }
        for (String[] pair : new String[][] {{API, "rain-api/Dockerfile"}, {CONSUMER, "rain-settlement-consumer/Dockerfile"}}) {
            int uid = manifests.get("Deployment", pair[0]).node().path("spec").path("template").path("spec")
                .path("securityContext").path("runAsUser").asInt();
            assertEquals(Dockerfile.read(pair[1]).runtimeUid(), uid, pair[0] + " runs as the image's user");
        }
    }

    /** The API's environment, with the Secrets created as k8s/README.md says. */
    static Map<String, String> deployedApiEnvironment() {
        Manifest api = manifests.get("Deployment", API);
        return new HashMap<>(environments.resolve(api, Pods.container(api, "api")));
    }

    private static String annotation(Manifest workload, String key) {
        return Manifests.podTemplate(workload).path("metadata").path("annotations").path(key).asText();
    }

    private static JsonNode textNode(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text);
    }
}
