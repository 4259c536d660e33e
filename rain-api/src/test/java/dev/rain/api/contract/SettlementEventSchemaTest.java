package dev.rain.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/schemas/settlement-event.v1.json against the events the code builds, and against what the contract forbids. */
class SettlementEventSchemaTest {

    private static final String CODE = "Xq3vTt0bPz9wq1Lr7nUe2A";

    private final Schema schema;

    SettlementEventSchemaTest() throws Exception {
        schema = JsonSchemas.of(JsonSchemas.readJson("docs/schemas/settlement-event.v1.json"));
    }

    @Test
    @DisplayName("a grab and a refund as SettlementEvent encodes them conform to the schema")
    void encodedEventsConform() {
        assertEquals(List.of(), JsonSchemas.violations(schema, grab()));
        assertEquals(List.of(), JsonSchemas.violations(schema, encoded(
            SettlementEvent.refund(CODE, "room-1", "anchor-7", 4877, "2026-12-07T20:15:33Z"))));
    }

    @Test
    @DisplayName("an envelope share with envelopeId in place of configCode and roomId conforms")
    void envelopeShareConforms() {
        ObjectNode share = grab();
        share.remove(List.of("configCode", "roomId"));
        share.put("type", "ENVELOPE_SHARE").put("bizId", "envelope:e-1:3").put("envelopeId", "e-1");
        assertEquals(List.of(), JsonSchemas.violations(schema, share));
    }

    @Test
    @DisplayName("the schema refuses what the contract forbids: unknown type, fractional or string money, a missing bizId")
    void contractBreachesAreRefused() {
        refused(event -> event.put("type", "BONUS"));
        refused(event -> event.put("amount", 1.5));
        refused(event -> event.put("amount", "123"));
        refused(event -> event.put("amount", 0));
        refused(event -> event.remove("bizId"));
        refused(event -> event.put("schemaVersion", 2));
        refused(event -> event.put("occurredAt", "yesterday"));
        refused(event -> event.put("surprise", true));
        refused(event -> event.put("bizId", CODE + ":refund"));
        refused(event -> event.put("envelopeId", "e-1"));
    }

    private void refused(Consumer<ObjectNode> breach) {
        ObjectNode event = grab();
        breach.accept(event);
        assertFalse(JsonSchemas.violations(schema, event).isEmpty(), "accepted " + event);
    }

    private static ObjectNode grab() {
        return (ObjectNode) encoded(SettlementEvent.grab(CODE + ":17", CODE, "room-1", "anchor-7", "viewer-42", 123,
            "2026-12-07T20:15:03.123456Z"));
    }

    private static JsonNode encoded(SettlementEvent event) {
        return Json.MAPPER.valueToTree(event);
    }
}
