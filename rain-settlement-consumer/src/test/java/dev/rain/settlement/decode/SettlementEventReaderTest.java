package dev.rain.settlement.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.event.SettlementType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettlementEventReaderTest {

    private static final String CODE = "AbCdEfGhIjKlMnOpQrStUv";
    private static final String PLAIN = "{\"schemaVersion\":1,\"bizId\":\"" + CODE + ":7\",\"type\":\"GRAB\","
        + "\"configCode\":\"" + CODE + "\",\"roomId\":\"room-1\",\"anchorId\":\"anchor-1\",\"userId\":\"viewer-1\","
        + "\"amount\":9007199254740993,\"occurredAt\":\"2025-05-01T12:00:00.123456Z\"}";

    private static SettlementEvent read(String json) {
        return SettlementEventReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("every field of a plain grab is read into the event")
    void everyField() {
        assertEquals(new SettlementEvent(1, CODE + ":7", SettlementType.GRAB, CODE, "room-1", "anchor-1", "viewer-1",
            9_007_199_254_740_993L, "2025-05-01T12:00:00.123456Z"), read(PLAIN));
    }

    @Test
    @DisplayName("a refund's type is read, and the fields may come in any order")
    void refundInAnotherOrder() {
        String json = "{\"occurredAt\":\"2025-05-01T12:01:00Z\",\"amount\":500,\"userId\":\"anchor-1\","
            + "\"anchorId\":\"anchor-1\",\"roomId\":\"room-1\",\"configCode\":\"" + CODE + "\",\"type\":\"REFUND\","
            + "\"bizId\":\"" + CODE + ":refund\",\"schemaVersion\":1}";
        assertEquals(SettlementEvent.refund(CODE, "room-1", "anchor-1", 500, "2025-05-01T12:01:00Z"), read(json));
    }

    @Test
    @DisplayName("escaped characters in a string are read as the data binding reads them")
    void escapes() {
        assertEquals("a\"b\u00e9", read(PLAIN.replace("\"room-1\"", "\"a\\\"b\\u00e9\"")).roomId());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "schemaVersion\":1,->schemaVersion\":1,\"schemaVersion\":1,",
        ",\"amount\":9007199254740993->",
        "\"type\":\"GRAB\"->\"type\":\"GRAB\",\"bonus\":5",
        "\"roomId\":\"room-1\"->\"roomId\":null",
        "\"roomId\":\"room-1\"->\"roomId\":7",
        "\"schemaVersion\":1->\"schemaVersion\":\"1\"",
        "\"schemaVersion\":1->\"schemaVersion\":4294967297",
        "9007199254740993->1.5",
        "9007199254740993->\"5\"",
        "9007199254740993->99999999999999999999",
        "\"GRAB\"->\"grab\"",
        "\"GRAB\"->0",
        "Z\"}->Z\"} {}",
        "Z\"}->Z\"",
        "{->[{",
    })
    @DisplayName("anything but the plain shape is left to the data binding")
    void notPlain(String edit) {
        String[] fromTo = edit.split("->", -1);
        String json = PLAIN.replace(fromTo[0], fromTo[1]);
        assertEquals(false, json.equals(PLAIN), "the edit must change the record");
        assertNull(read(json), json);
    }

    @Test
    @DisplayName("bytes that are not JSON are left to the data binding")
    void notJson() {
        assertNull(read("{not json"));
        assertNull(read(""));
    }
}
