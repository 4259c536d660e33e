package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** k8s/kustomization.yaml: the files `kubectl apply -k k8s/` applies and the images it sets in them. */
final class Kustomization {

    private final JsonNode node;

    private Kustomization(JsonNode node) {
        this.node = node;
    }

    static Kustomization load(Path dir) {
        try {
            return new Kustomization(Manifests.YAML.readTree(dir.resolve(Manifests.KUSTOMIZATION).toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> resources() {
        List<String> files = new ArrayList<>();
        node.path("resources").forEach(r -> files.add(r.asText()));
        return files;
    }

    /** The image a container runs once kustomize's images transformer has matched it by name. */
    String applied(String image) {
        String name = name(image);
        Optional<JsonNode> entry = entry(name);
        if (entry.isEmpty()) {
            return image;
        }
        JsonNode e = entry.get();
        String newName = e.path("newName").asText(name);
        if (e.has("digest")) {
            return newName + "@" + e.path("digest").asText();
        }
        if (e.has("newTag")) {
            return newName + ":" + e.path("newTag").asText();
        }
        return newName + image.substring(name.length());
    }

    boolean sets(String image) {
        return entry(name(image)).isPresent();
    }

    private Optional<JsonNode> entry(String name) {
        for (JsonNode e : node.path("images")) {
            if (e.path("name").asText().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The image without its tag or digest; a registry's port (host:5000/...) is not a tag. */
    static String name(String image) {
        int at = image.indexOf('@');
        String bare = at >= 0 ? image.substring(0, at) : image;
        int colon = bare.lastIndexOf(':');
        return colon > bare.lastIndexOf('/') ? bare.substring(0, colon) : bare;
    }
}
