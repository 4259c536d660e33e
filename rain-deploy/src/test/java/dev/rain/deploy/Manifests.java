package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/** Every object of every k8s/*.yaml file but kustomization.yaml (kustomize's own, not an API object). */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String KUSTOMIZATION = "kustomization.yaml";

    private final List<Manifest> all;

    private Manifests(List<Manifest> all) {
        this.all = List.copyOf(all);
    }

    static Manifests load(Path dir) {
        List<Manifest> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals(KUSTOMIZATION)).sorted().toList()) {
                found.addAll(parse(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(found);
    }

    static List<Manifest> parse(Path file) throws IOException {
        List<Manifest> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                // A document holding only comments parses as null or empty: nothing for the API server.
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    documents.add(new Manifest(file.getFileName().toString(), node));
                }
            }
        }
        return documents;
    }

    List<Manifest> all() {
        return all;
    }

    List<Manifest> ofKind(String kind) {
        return all.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    java.util.Optional<Manifest> find(String kind, String name) {
        return all.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst();
    }

    Manifest get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new NoSuchElementException("no " + kind + " " + name + " in k8s/"));
    }

    /** The kinds that run pods, with the path to their pod template. */
    List<Manifest> workloads() {
        return all.stream().filter(m -> List.of("Deployment", "StatefulSet", "Job").contains(m.kind())).toList();
    }

    static JsonNode podTemplate(Manifest workload) {
        return workload.spec().path("template");
    }
}
