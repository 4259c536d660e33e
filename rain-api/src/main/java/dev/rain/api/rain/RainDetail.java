package dev.rain.api.rain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.rain.common.ledger.RainRecord;
import dev.rain.api.redis.ShardCounters;
import dev.rain.common.event.RoomEvent;
import java.time.Instant;

/**
 * The contract's rain detail. Grabbed figures come from Redis while the rain runs and from the frozen
 * counters once it is closed; settled figures always come from the ledger.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"configCode", "roomId", "anchorId", "mode", "status", "totalAmount", "totalCount",
    "maxGrabsPerUser", "remainingCount", "grabbedCount", "grabbedAmount", "settledCount", "settledAmount",
    "refundedAmount", "bestLuck", "createdAt", "startsAt", "endsAt", "soldOutAt", "finishedAt"})
public record RainDetail(
    String configCode,
    String roomId,
    String anchorId,
    String mode,
    String status,
    long totalAmount,
    int totalCount,
    int maxGrabsPerUser,
    long remainingCount,
    long grabbedCount,
    long grabbedAmount,
    long settledCount,
    long settledAmount,
    long refundedAmount,
    RoomEvent.BestLuck bestLuck,
    String createdAt,
    String startsAt,
    String endsAt,
    String soldOutAt,
    String finishedAt) {

    /** @param live Redis counters of a running rain whose claims are not frozen yet, else null */
    static RainDetail of(RainRecord rain, ShardCounters live) {
        long grabbedCount = 0;
        long grabbedAmount = 0;
        long remaining = rain.totalCount();
        if (rain.claimedCount() != null) {
            grabbedCount = rain.claimedCount();
            grabbedAmount = rain.claimedAmount();
            remaining = rain.totalCount() - grabbedCount;
        } else if (live != null) {
            grabbedCount = live.claimedCount();
            grabbedAmount = live.claimedAmount();
            remaining = live.packetsLeft();
        }
        return new RainDetail(rain.configCode(), rain.roomId(), rain.anchorId(), rain.mode().name(),
            rain.status().name(), rain.totalAmount(), rain.totalCount(), rain.maxGrabsPerUser(), remaining,
            grabbedCount, grabbedAmount, rain.settledCount(), rain.settledAmount(), rain.refundedAmount(),
            RoomEvents.bestLuck(rain), text(rain.createdAt()), text(rain.startsAt()), text(rain.endsAt()),
            text(rain.soldOutAt()), text(rain.finishedAt()));
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
