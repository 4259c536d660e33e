package dev.rain.settlement.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.event.SettlementType;
import java.io.IOException;

/**
 * Reads a settlement event token by token when it has the contract's plain shape: one object, the nine fields
 * each once, strings as strings, integers as integers. Jackson's data binding of the record was the largest part
 * of the consumer's CPU; a streaming read of the fixed shape does the same work without its per-field dispatch.
 *
 * <p>It only ever says "this is the event" or "not sure": anything outside that shape (a missing, extra, null
 * or repeated field, a number where a string belongs, a float, an unknown type, trailing tokens, bad JSON)
 * returns null and the caller hands the bytes to the data binding, which accepts or refuses them exactly as it
 * always did, with the same message. So the set of records that become dead letters does not change.
 */
final class SettlementEventReader {

    /** Json.MAPPER's factory: the same parser features (duplicate detection, no leading zeros) as the binding. */
    private static final JsonFactory FACTORY = Json.MAPPER.getFactory();

    private static final int SCHEMA_VERSION = 1;
    private static final int BIZ_ID = 1 << 1;
    private static final int TYPE = 1 << 2;
    private static final int CONFIG_CODE = 1 << 3;
    private static final int ROOM_ID = 1 << 4;
    private static final int ANCHOR_ID = 1 << 5;
    private static final int USER_ID = 1 << 6;
    private static final int AMOUNT = 1 << 7;
    private static final int OCCURRED_AT = 1 << 8;
    private static final int ALL_FIELDS = (1 << 9) - 1;

    private SettlementEventReader() {
    }

    /** @return the event, or null when the value is not in the plain shape and must go to the data binding */
    static SettlementEvent read(byte[] value) {
        try (JsonParser parser = FACTORY.createParser(value)) {
            return read(parser);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static SettlementEvent read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        Fields fields = new Fields();
        String field;
        while ((field = p.nextFieldName()) != null) {
            if (!fields.take(field, p.nextToken(), p)) {
                return null;
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || fields.seen != ALL_FIELDS || p.nextToken() != null) {
            return null;
        }
        return fields.event();
    }

    /** The fields read so far, each allowed once; a take answers false at the first thing outside the shape. */
    private static final class Fields {

        private int seen;
        private int schemaVersion;
        private long amount;
        private SettlementType type;
        private String bizId;
        private String configCode;
        private String roomId;
        private String anchorId;
        private String userId;
        private String occurredAt;

        boolean take(String field, JsonToken token, JsonParser p) throws IOException {
            int bit = switch (field) {
                case "schemaVersion" -> schemaVersion(token, p);
                case "amount" -> amount(token, p);
                case "type" -> type(token, p);
                default -> token == JsonToken.VALUE_STRING ? text(field, p.getText()) : 0;
            };
            if (bit == 0 || (seen & bit) != 0) {
                return false;
            }
            seen |= bit;
            return true;
        }

        private int schemaVersion(JsonToken token, JsonParser p) throws IOException {
            if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                return 0;
            }
            schemaVersion = p.getIntValue();
            return SCHEMA_VERSION;
        }

        private int amount(JsonToken token, JsonParser p) throws IOException {
            if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return 0;
            }
            amount = p.getLongValue();
            return AMOUNT;
        }

        private int type(JsonToken token, JsonParser p) throws IOException {
            type = token == JsonToken.VALUE_STRING ? SettlementEventReader.type(p.getText()) : null;
            return type == null ? 0 : TYPE;
        }

        private int text(String field, String text) {
            switch (field) {
                case "bizId" -> { bizId = text; return BIZ_ID; }
                case "configCode" -> { configCode = text; return CONFIG_CODE; }
                case "roomId" -> { roomId = text; return ROOM_ID; }
                case "anchorId" -> { anchorId = text; return ANCHOR_ID; }
                case "userId" -> { userId = text; return USER_ID; }
                case "occurredAt" -> { occurredAt = text; return OCCURRED_AT; }
                default -> { return 0; }
            }
        }

        SettlementEvent event() {
            return new SettlementEvent(schemaVersion, bizId, type, configCode, roomId, anchorId, userId, amount,
                occurredAt);
        }
    }

    private static SettlementType type(String text) {
        return switch (text) {
            case "GRAB" -> SettlementType.GRAB;
            case "REFUND" -> SettlementType.REFUND;
            default -> null;
        };
    }
}
