package dev.rain.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;

/** The OpenAPI 3.1 document, asked what an operation answers: a response's headers and its body's JSON Schema. */
final class OpenApiDocument {

    private final JsonNode document;

    OpenApiDocument(JsonNode document) {
        this.document = document;
    }

    JsonNode root() {
        return document;
    }

    JsonNode operation(String method, String path) {
        JsonNode operation = document.path("paths").path(path).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            throw new AssertionError(method + " " + path + " is not in the document");
        }
        return operation;
    }

    /** The response the operation documents for {@code status}, else its {@code default}; references followed. */
    JsonNode response(JsonNode operation, int status) {
        JsonNode responses = operation.path("responses");
        JsonNode response = responses.has(Integer.toString(status)) ? responses.get(Integer.toString(status))
            : responses.path("default");
        return resolved(response);
    }

    JsonNode resolved(JsonNode node) {
        while (node.path("$ref").isTextual()) {
            node = document.at(node.path("$ref").asText().substring(1));
        }
        return node;
    }

    /**
     * The body's schema for {@code mediaType}, strict: an object schema that lists properties and says nothing of
     * others refuses others, so a served member the document does not list is a violation. The document itself stays
     * open to additions, as clients should be.
     */
    Schema strictBodySchema(JsonNode response, String mediaType) {
        JsonNode schema = response.path("content").path(mediaType).path("schema");
        if (schema.isMissingNode()) {
            throw new AssertionError("no " + mediaType + " body documented in " + response);
        }
        ObjectNode wrapper = JsonSchemas.JSON.createObjectNode();
        wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        // $refs of the form #/components/... resolve against the wrapper, so it carries the components along.
        wrapper.set("components", strict(document.path("components").deepCopy()));
        wrapper.putArray("allOf").add(strict(schema.deepCopy()));
        return JsonSchemas.of(wrapper);
    }

    private static JsonNode strict(JsonNode node) {
        if (node instanceof ObjectNode object && object.has("properties") && !object.has("additionalProperties")) {
            object.put("additionalProperties", false);
        }
        // An object's values and an array's elements alike.
        node.forEach(OpenApiDocument::strict);
        return node;
    }
}
