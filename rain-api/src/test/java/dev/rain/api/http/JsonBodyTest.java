package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.common.RainMode;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonBodyTest {

    private static final Set<String> FIELDS = Set.of("amount", "roomId", "mode");

    private static JsonBody parse(String json) {
        return JsonBody.parse(Buffer.buffer(json), FIELDS);
    }

    @Test
    @DisplayName("a well-formed body reads its fields")
    void readsFields() {
        JsonBody body = parse("{\"amount\": 100, \"roomId\": \"room-1\", \"mode\": \"EQUAL\"}");
        assertEquals(100, body.requiredLong("amount", 1, 1000));
        assertEquals("room-1", body.requiredString("roomId", Ids.ROOM_ID, "an id"));
        assertEquals(RainMode.EQUAL, body.optionalEnum("mode", RainMode.class, RainMode.LUCKY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "1", "\"x\"", "null", "{", "{\"amount\": 1,}", "{\"amount\": 1} {}"})
    @DisplayName("anything but one JSON object is INVALID_REQUEST")
    void refusesNonObjects(String json) {
        RainException e = assertThrows(RainException.class, () -> parse(json));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }

    @Test
    @DisplayName("a duplicated key is refused rather than last-one-wins, and named")
    void refusesDuplicateKeys() {
        FieldException e = assertThrows(FieldException.class, () -> parse("{\"amount\": 1, \"amount\": 1000000}"));
        assertEquals("amount", e.field());
    }

    @Test
    @DisplayName("a body that is not UTF-8 is refused even when Jackson could guess its encoding")
    void refusesOtherEncodings() {
        byte[] utf16 = "{\"amount\": 1}".getBytes(StandardCharsets.UTF_16BE);
        RainException e = assertThrows(RainException.class, () -> JsonBody.parse(Buffer.buffer(utf16), FIELDS));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }

    @Test
    @DisplayName("an unknown field is named back without its control characters")
    void namesUnknownFieldsPrintably() {
        FieldException e = assertThrows(FieldException.class, () -> parse("{\"a\\u202eb\\u0000\": 1}"));
        assertEquals("a?b?", e.field());
    }

    @Test
    @DisplayName("nesting beyond Jackson's depth limit is INVALID_REQUEST, not a stack overflow")
    void refusesDeepNesting() {
        RainException e = assertThrows(RainException.class, () -> parse("{\"amount\": " + "[".repeat(5000) + "]".repeat(5000) + "}"));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }

    @Test
    @DisplayName("an unknown field is refused and named")
    void refusesUnknownFields() {
        FieldException e = assertThrows(FieldException.class, () -> parse("{\"amount\": 1, \"bonus\": 5}"));
        assertEquals("bonus", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "1.0", "1e3", "\"100\"", "true", "99999999999999999999", "-1", "0", "1001"})
    @DisplayName("amounts that are not whole numbers within bounds are refused and name the field")
    void refusesBadNumbers(String amount) {
        FieldException e = assertThrows(FieldException.class,
            () -> parse("{\"amount\": " + amount + "}").requiredLong("amount", 1, 1000));
        assertEquals("amount", e.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"room 1\"", "\"r\\u00f6om\"", "\"room\\u200b1\"", "1", "null"})
    @DisplayName("ids outside the allowed alphabet are refused, Unicode look-alikes included")
    void refusesBadIds(String room) {
        assertThrows(FieldException.class,
            () -> parse("{\"roomId\": " + room + "}").requiredString("roomId", Ids.ROOM_ID, "an id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"amount\": 1,}", "{'amount': 1}", "{\"amount\": NaN}", "{amount: 1}", "{\"amount\": 0x10}",
        "{\"amount\": \"a\u0001b\"}"})
    @DisplayName("broken JSON is refused in the product's own words, never with the parser's message")
    void brokenJsonIsRefusedInOurWords(String json) {
        RainException e = assertThrows(RainException.class, () -> parse(json));
        assertEquals("the body is not valid JSON", e.detail());
    }

    @Test
    @DisplayName("a number past the parser's length limit is refused in the product's own words")
    void overlongNumberIsRefusedInOurWords() {
        RainException e = assertThrows(RainException.class, () -> parse("{\"amount\": " + "1".repeat(5000) + "}"));
        assertEquals("the body nests too deeply, or holds a number or a string too long", e.detail());
    }
}
