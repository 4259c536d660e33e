package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResponsesTest {

    @Test
    @DisplayName("JSON without a charset or with UTF-8 (any case, quoted) is taken; any other charset or type is not")
    void contentTypes() {
        for (String ok : List.of("application/json", "Application/JSON", "application/json; charset=utf-8",
            "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"")) {
            assertTrue(Responses.isUtf8Json(ok), ok);
        }
        for (String refused : List.of("application/json; charset=utf-16", "application/json; charset=latin1",
            "application/json; charset=", "application/json, text/plain", "application/jsonp", "text/json", "")) {
            assertFalse(Responses.isUtf8Json(refused), refused);
        }
    }

    @Test
    @DisplayName("a limit is ASCII digits within its range; anything else names the field")
    void limits() {
        assertEquals(100, Responses.limit((String) null, 100, 500));
        assertEquals(500, Responses.limit("500", 100, 500));
        for (String bad : List.of("0", "501", "+5", "05x", "", " 5", "\u0665", "99999999999")) {
            FieldException e = assertThrows(FieldException.class, () -> Responses.limit(bad, 100, 500), bad);
            assertEquals("limit", e.field());
        }
    }
}
