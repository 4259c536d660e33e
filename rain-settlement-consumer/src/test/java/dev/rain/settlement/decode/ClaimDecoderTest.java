package dev.rain.settlement.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClaimDecoderTest {

    private static final String CODE = "AbCdEfGhIjKlMnOpQrStUv";

    private static Headers slot(int slot) {
        Headers headers = new RecordHeaders();
        headers.add(SettlementEvent.GRAB_SLOT_HEADER, Integer.toString(slot).getBytes(StandardCharsets.US_ASCII));
        return headers;
    }

    private static byte[] json(SettlementEvent event) throws Exception {
        return Json.MAPPER.writeValueAsBytes(event);
    }

    private static SettlementEvent grab(String bizId, String userId, long amount, String at) {
        return SettlementEvent.grab(bizId, CODE, "room-1", "anchor-1", userId, amount, at);
    }

    private static String poisonMessage(byte[] value, Headers headers) {
        return assertThrows(PoisonRecordException.class, () -> ClaimDecoder.decode(value, headers)).getMessage();
    }

    @Test
    @DisplayName("a grab decodes with its slot and its instant")
    void grabDecodes() throws Exception {
        Claim claim = ClaimDecoder.decode(json(grab(CODE + ":7", "viewer-1", 123, "2025-05-01T12:00:00.123456Z")),
            slot(2));
        assertTrue(claim.isGrab());
        assertEquals(CODE + ":7", claim.bizId());
        assertEquals(2, claim.slot());
        assertEquals(Instant.parse("2025-05-01T12:00:00.123456Z"), claim.occurredAt());
        assertEquals("wallet:viewer-1", claim.creditAccount());
        assertEquals("escrow:" + CODE, claim.escrowAccount());
    }

    @Test
    @DisplayName("a refund decodes without a slot, crediting the anchor")
    void refundDecodes() throws Exception {
        Claim claim = ClaimDecoder.decode(json(SettlementEvent.refund(CODE, "room-1", "anchor-1", 500,
            "2025-05-01T12:01:00Z")), new RecordHeaders());
        assertEquals(Claim.NO_SLOT, claim.slot());
        assertEquals("wallet:anchor-1", claim.creditAccount());
    }

    @Test
    @DisplayName("nanoseconds are cut to the microseconds Postgres keeps, so a redelivery compares equal")
    void microseconds() throws Exception {
        Claim claim = ClaimDecoder.decode(json(grab(CODE + ":0", "viewer-1", 1, "2025-05-01T12:00:00.123456789Z")),
            slot(1));
        assertEquals(Instant.parse("2025-05-01T12:00:00.123456Z"), claim.occurredAt());
    }

    @Test
    @DisplayName("a value that is not JSON is poison")
    void notJson() {
        assertTrue(poisonMessage("{not json".getBytes(StandardCharsets.UTF_8), slot(1))
            .startsWith("value is not a settlement event"));
    }

    @Test
    @DisplayName("a record without a value (a tombstone) is poison")
    void tombstone() {
        assertEquals("record has no value", poisonMessage(null, slot(1)));
    }

    @Test
    @DisplayName("a field the contract does not have is poison, not ignored")
    void unknownField() {
        String value = "{\"schemaVersion\":1,\"bizId\":\"" + CODE + ":1\",\"type\":\"GRAB\",\"configCode\":\"" + CODE
            + "\",\"roomId\":\"r\",\"anchorId\":\"a\",\"userId\":\"u\",\"amount\":1,\"occurredAt\":"
            + "\"2025-05-01T12:00:00Z\",\"bonus\":5}";
        assertTrue(poisonMessage(value.getBytes(StandardCharsets.UTF_8), slot(1)).contains("bonus"));
    }

    @Test
    @DisplayName("an amount written as a float is poison: money is integer minor units")
    void floatAmount() {
        String value = "{\"schemaVersion\":1,\"bizId\":\"" + CODE + ":1\",\"type\":\"GRAB\",\"configCode\":\"" + CODE
            + "\",\"roomId\":\"r\",\"anchorId\":\"a\",\"userId\":\"u\",\"amount\":1.5,\"occurredAt\":"
            + "\"2025-05-01T12:00:00Z\"}";
        assertTrue(poisonMessage(value.getBytes(StandardCharsets.UTF_8), slot(1))
            .startsWith("value is not a settlement event"));
    }

    @Test
    @DisplayName("an unknown type is poison")
    void unknownType() {
        String value = "{\"schemaVersion\":1,\"bizId\":\"" + CODE + ":1\",\"type\":\"BONUS\",\"configCode\":\"" + CODE
            + "\",\"roomId\":\"r\",\"anchorId\":\"a\",\"userId\":\"u\",\"amount\":1,\"occurredAt\":"
            + "\"2025-05-01T12:00:00Z\"}";
        assertTrue(poisonMessage(value.getBytes(StandardCharsets.UTF_8), slot(1))
            .startsWith("value is not a settlement event"));
    }

    @Test
    @DisplayName("another schema version is poison")
    void schemaVersion() throws Exception {
        SettlementEvent v2 = new SettlementEvent(2, CODE + ":1", dev.rain.common.event.SettlementType.GRAB, CODE,
            "room-1", "anchor-1", "viewer-1", 1, "2025-05-01T12:00:00Z");
        assertEquals("schemaVersion 2 is not 1", poisonMessage(json(v2), slot(1)));
    }

    @Test
    @DisplayName("a zero amount is poison")
    void zeroAmount() throws Exception {
        assertEquals("amount must be positive, was 0",
            poisonMessage(json(grab(CODE + ":1", "viewer-1", 0, "2025-05-01T12:00:00Z")), slot(1)));
    }

    @Test
    @DisplayName("a grab whose bizId is not a packet of its rain is poison")
    void foreignPacket() throws Exception {
        assertTrue(poisonMessage(json(grab("ZZZZZZZZZZZZZZZZZZZZZZ:1", "viewer-1", 1, "2025-05-01T12:00:00Z")),
            slot(1)).startsWith("bizId of a grab must be"));
        assertTrue(poisonMessage(json(grab(CODE + ":refund", "viewer-1", 1, "2025-05-01T12:00:00Z")), slot(1))
            .startsWith("bizId of a grab must be"));
        assertTrue(poisonMessage(json(grab(CODE + ":01", "viewer-1", 1, "2025-05-01T12:00:00Z")), slot(1))
            .startsWith("bizId of a grab must be"));
    }

    @Test
    @DisplayName("a user id outside the contract's alphabet is poison")
    void badUserId() throws Exception {
        assertTrue(poisonMessage(json(grab(CODE + ":1", "viewer 1", 1, "2025-05-01T12:00:00Z")), slot(1))
            .startsWith("userId is not a user id"));
    }

    @Test
    @DisplayName("an occurredAt that is not an ISO-8601 instant is poison")
    void badInstant() throws Exception {
        assertTrue(poisonMessage(json(grab(CODE + ":1", "viewer-1", 1, "yesterday")), slot(1))
            .startsWith("occurredAt is not an ISO-8601 UTC instant"));
    }

    @Test
    @DisplayName("a refund crediting someone other than its anchor is poison")
    void refundToAnotherUser() throws Exception {
        SettlementEvent refund = new SettlementEvent(1, CODE + ":refund", dev.rain.common.event.SettlementType.REFUND,
            CODE, "room-1", "anchor-1", "viewer-1", 10, "2025-05-01T12:00:00Z");
        assertTrue(poisonMessage(json(refund), new RecordHeaders()).startsWith("a refund credits its anchor"));
    }

    @Test
    @DisplayName("a grab with a malformed slot header is poison")
    void badSlotHeader() throws Exception {
        Headers headers = new RecordHeaders();
        headers.add(SettlementEvent.GRAB_SLOT_HEADER, "x".getBytes(StandardCharsets.US_ASCII));
        assertTrue(poisonMessage(json(grab(CODE + ":1", "viewer-1", 1, "2025-05-01T12:00:00Z")), headers)
            .contains("must be decimal digits"));
    }
}
