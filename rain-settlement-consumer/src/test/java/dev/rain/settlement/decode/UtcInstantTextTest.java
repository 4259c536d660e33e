package dev.rain.settlement.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcInstantTextTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "2025-05-01T12:00:00Z", "2025-05-01T12:00:00.1Z", "2025-05-01T12:00:00.123Z", "2025-05-01T12:00:00.123456Z",
        "2025-05-01T12:00:00.123456789Z", "2024-02-29T23:59:59.999999Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
        // Not the relay's shape, but Instant.parse's: the same answer through it.
        "2025-05-01T12:00:00+01:00", "2025-05-01t12:00:00z", "2025-05-01T23:59:60Z", "2025-05-01T24:00:00Z",
        "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
    })
    @DisplayName("an instant reads as Instant.parse reads it")
    void sameAsInstantParse(String text) {
        assertEquals(Instant.parse(text), UtcInstantText.parse(text));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "2025-02-29T12:00:00Z", "2025-04-31T12:00:00Z", "2025-13-01T12:00:00Z", "2025-05-01T12:60:00Z",
        "2025-05-01T12:00:00", "2025-05-01 12:00:00Z", "2025-05-01T12:00Z", "2025-05-01T12:00:00.1234567890Z",
        "yesterday", "", "2025-05-01T12:00:0xZ",
    })
    @DisplayName("what Instant.parse refuses is refused the same way")
    void refusedAsInstantParse(String text) {
        assertThrows(DateTimeParseException.class, () -> Instant.parse(text));
        assertThrows(DateTimeParseException.class, () -> UtcInstantText.parse(text));
    }
}
