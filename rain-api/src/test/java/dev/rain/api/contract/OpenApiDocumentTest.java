package dev.rain.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** rain-api's openapi.yaml as a document for client generators: named operations and examples that hold. */
class OpenApiDocumentTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private final OpenApiDocument document;

    OpenApiDocumentTest() throws Exception {
        document = new OpenApiDocument(JsonSchemas.readYaml("rain-api/src/main/resources/openapi.yaml"));
    }

    @Test
    @DisplayName("every operation has an operationId, and no two share one")
    void everyOperationHasAUniqueOperationId() {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        operations((where, operation) -> {
            String id = operation.path("operationId").asText("");
            if (id.isEmpty() || !seen.add(id)) {
                problems.add(where + (id.isEmpty() ? " has no operationId" : " repeats " + id));
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    @DisplayName("every /v1 operation documents its problems and its 429 with Retry-After")
    void everyApiOperationDocumentsProblemsAndRateLimits() {
        List<String> problems = new ArrayList<>();
        operations((where, operation) -> {
            if (where.contains(" /v1/")) {
                JsonNode responses = operation.path("responses");
                if (!responses.path("default").path("$ref").asText().endsWith("/Problem")) {
                    problems.add(where + ": no problem+json default");
                }
                if (!document.resolved(responses.path("429")).path("headers").has("Retry-After")) {
                    problems.add(where + ": no 429 with Retry-After");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    @DisplayName("every example of a response body conforms to its schema")
    void responseExamplesConform() {
        List<String> problems = new ArrayList<>();
        operations((where, operation) -> operation.path("responses").fields().forEachRemaining(status -> {
            JsonNode response = document.resolved(status.getValue());
            response.path("content").fields().forEachRemaining(media -> {
                for (JsonNode example : examples(media.getValue())) {
                    JsonSchemas.violations(document.strictBodySchema(response, media.getKey()), example)
                        .forEach(v -> problems.add(where + " " + status.getKey() + ": " + v));
                }
            });
        }));
        assertEquals(List.of(), problems);
    }

    private static List<JsonNode> examples(JsonNode media) {
        List<JsonNode> examples = new ArrayList<>();
        if (media.has("example")) {
            examples.add(media.get("example"));
        }
        media.path("examples").forEach(named -> examples.add(named.path("value")));
        return examples;
    }

    private void operations(BiConsumer<String, JsonNode> each) {
        document.root().path("paths").fields().forEachRemaining((Map.Entry<String, JsonNode> path) ->
            path.getValue().fields().forEachRemaining(operation -> {
                if (METHODS.contains(operation.getKey())) {
                    each.accept(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
                }
            }));
    }
}
