package dev.rain.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.event.SettlementType;
import dev.rain.settlement.kafka.DeadLetters;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/asyncapi.yaml: a document whose references all lead somewhere, and which names what the code sends. */
class AsyncApiDocumentTest {

    private final JsonNode document;

    AsyncApiDocumentTest() throws Exception {
        document = JsonSchemas.readYaml("docs/asyncapi.yaml");
    }

    @Test
    @DisplayName("the document is AsyncAPI 3.0 YAML whose every reference resolves, in the document or to a file under docs/")
    void everyReferenceResolves() {
        assertTrue(document.path("asyncapi").asText().startsWith("3.0."), "an AsyncAPI 3.0 document");
        List<String> broken = new ArrayList<>();
        for (String ref : references(document, new ArrayList<>())) {
            boolean resolves = ref.startsWith("#")
                ? !document.at(ref.substring(1)).isMissingNode()
                : Files.isRegularFile(JsonSchemas.repositoryFile("docs/" + ref.replaceFirst("^\\./", "")));
            if (!resolves) {
                broken.add(ref);
            }
        }
        assertEquals(List.of(), broken, "references that lead nowhere");
        assertEquals("./schemas/settlement-event.v1.json",
            document.at("/components/schemas/settlementEvent/$ref").asText(), "the payload is the JSON Schema file");
    }

    @Test
    @DisplayName("the settlement channel carries a message for every type of the schema, and the schema has every type the code sends")
    void everyTypeHasAMessage() throws Exception {
        Set<String> messages = new TreeSet<>();
        for (JsonNode message : document.at("/channels/settlement/messages")) {
            messages.add(document.at(message.path("$ref").asText().substring(1)).path("name").asText());
        }
        Set<String> schemaTypes = new TreeSet<>();
        JsonSchemas.readJson("docs/schemas/settlement-event.v1.json").at("/properties/type/enum")
            .forEach(type -> schemaTypes.add(type.asText()));
        assertEquals(schemaTypes, messages);
        Arrays.stream(SettlementType.values()).forEach(type -> assertTrue(schemaTypes.contains(type.name()), type.name()));
    }

    @Test
    @DisplayName("the grab message documents the header the API sets, under the name the code uses")
    void grabSlotHeaderIsDocumented() {
        JsonNode headers = document.at("/components/messages/grab/headers");
        assertTrue(headers.path("properties").has(SettlementEvent.GRAB_SLOT_HEADER), headers.toString());
        assertEquals(SettlementEvent.GRAB_SLOT_HEADER, headers.path("required").path(0).asText());
    }

    @Test
    @DisplayName("the dead letter requires exactly the headers the settlement consumer adds, under the names it uses")
    void deadLetterHeadersAreTheConsumers() {
        Set<String> required = new TreeSet<>();
        document.at("/components/messages/deadLetter/headers/required").forEach(name -> required.add(name.asText()));
        assertEquals(new TreeSet<>(Set.of(DeadLetters.ORIGINAL_TOPIC, DeadLetters.ORIGINAL_PARTITION,
            DeadLetters.ORIGINAL_OFFSET, DeadLetters.ERROR_CLASS, DeadLetters.ERROR_MESSAGE)), required);
    }

    @Test
    @DisplayName("the document's examples conform to the JSON Schema of the value")
    void examplesConformToTheSchema() throws Exception {
        Schema schema = JsonSchemas.of(JsonSchemas.readJson("docs/schemas/settlement-event.v1.json"));
        int checked = 0;
        for (JsonNode message : document.at("/components/messages")) {
            for (JsonNode example : message.path("examples")) {
                assertEquals(List.of(), JsonSchemas.violations(schema, example.path("payload")), example.toString());
                checked++;
            }
        }
        assertEquals(2, checked, "a GRAB and a REFUND example");
    }

    private static List<String> references(JsonNode node, List<String> into) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            into.add(node.path("$ref").asText());
        }
        node.forEach(child -> references(child, into));
        return into;
    }
}
