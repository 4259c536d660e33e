package dev.rain.common.event;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One message of the settlement topic: a credit the wallet must apply once, deduplicated on
 * {@code bizId}. The shape is the contract with the wallet team; fields are never renamed.
 *
 * @param occurredAt ISO-8601 UTC instant, microsecond precision for grabs (Redis server time)
 */
@JsonPropertyOrder({"schemaVersion", "bizId", "type", "configCode", "roomId", "anchorId", "userId", "amount", "occurredAt"})
public record SettlementEvent(
    int schemaVersion,
    String bizId,
    SettlementType type,
    String configCode,
    String roomId,
    String anchorId,
    String userId,
    long amount,
    String occurredAt) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Kafka header carrying which of the viewer's {@code maxGrabsPerUser} slots a grab took (1-based,
     * decimal ASCII). The ledger keeps slots unique per viewer and rain, so it enforces the cap itself
     * even if Redis forgot a grab. Not part of the value, so the wallet team's schema is untouched.
     */
    public static final String GRAB_SLOT_HEADER = "rain-grab-slot";

    public static SettlementEvent grab(String packetId, String configCode, String roomId, String anchorId,
                                       String userId, long amount, String occurredAt) {
        return new SettlementEvent(SCHEMA_VERSION, packetId, SettlementType.GRAB, configCode, roomId, anchorId,
            userId, amount, occurredAt);
    }

    public static SettlementEvent refund(String configCode, String roomId, String anchorId, long amount,
                                         String occurredAt) {
        return new SettlementEvent(SCHEMA_VERSION, configCode + ":refund", SettlementType.REFUND, configCode,
            roomId, anchorId, anchorId, amount, occurredAt);
    }
}
