package dev.rain.settlement.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrabSlotHeaderTest {

    private static Headers slot(String... values) {
        Headers headers = new RecordHeaders();
        for (String value : values) {
            headers.add(SettlementEvent.GRAB_SLOT_HEADER, value == null ? null : value.getBytes(StandardCharsets.US_ASCII));
        }
        return headers;
    }

    @Test
    @DisplayName("a decimal slot is read as its number")
    void decimal() throws Exception {
        assertEquals(3, GrabSlotHeader.parse(slot("3")));
        assertEquals(100, GrabSlotHeader.parse(slot("100")));
    }

    @Test
    @DisplayName("a missing header reads as no slot, for the ledger to refuse as an anomaly rather than lose")
    void missing() throws Exception {
        assertEquals(Claim.NO_SLOT, GrabSlotHeader.parse(new RecordHeaders()));
    }

    @Test
    @DisplayName("slot 0 is read as it is; the range is the ledger's to check against the rain")
    void zero() throws Exception {
        assertEquals(0, GrabSlotHeader.parse(slot("0")));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "-1", "+1", "1.0", "one", " 1", "1234567890"})
    @DisplayName("a header that is not 1 to 9 decimal digits makes the record poison")
    void notDecimal(String value) {
        assertThrows(PoisonRecordException.class, () -> GrabSlotHeader.parse(slot(value)));
    }

    @Test
    @DisplayName("a header with a null value makes the record poison")
    void nullValue() {
        assertThrows(PoisonRecordException.class, () -> GrabSlotHeader.parse(slot((String) null)));
    }

    @Test
    @DisplayName("two slot headers on one record make it poison: which one is meant cannot be known")
    void repeated() {
        assertThrows(PoisonRecordException.class, () -> GrabSlotHeader.parse(slot("1", "2")));
    }
}
