package dev.rain.deploy;

import com.fasterxml.jackson.databind.JsonNode;

/** One Kubernetes object of a manifest file, as parsed YAML. */
record Manifest(String file, JsonNode node) {

    String apiVersion() {
        return node.path("apiVersion").asText();
    }

    String kind() {
        return node.path("kind").asText();
    }

    String name() {
        return node.path("metadata").path("name").asText();
    }

    String namespace() {
        return node.path("metadata").path("namespace").asText();
    }

    /** apiVersion/kind, the key the API server dispatches on. */
    String type() {
        return apiVersion() + "/" + kind();
    }

    JsonNode spec() {
        return node.path("spec");
    }

    @Override
    public String toString() {
        return kind() + " " + name() + " (" + file + ")";
    }
}
