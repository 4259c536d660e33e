package dev.rain.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Events broadcast to every viewer of a room, over Redis pub/sub then each instance's WebSockets. */
public final class RoomEvent {

    private RoomEvent() {
    }

    @JsonPropertyOrder({"type", "configCode", "roomId", "totalCount", "totalAmount", "countdownSeconds", "startsAt", "endsAt"})
    public record RainStart(String type, String configCode, String roomId, int totalCount, long totalAmount,
                            int countdownSeconds, String startsAt, String endsAt) {
        public RainStart(String configCode, String roomId, int totalCount, long totalAmount, int countdownSeconds,
                         String startsAt, String endsAt) {
            this("RAIN_START", configCode, roomId, totalCount, totalAmount, countdownSeconds, startsAt, endsAt);
        }
    }

    @JsonPropertyOrder({"type", "configCode", "roomId", "grabbedCount", "grabbedAmount", "refundedAmount", "bestLuck"})
    public record RainEnd(String type, String configCode, String roomId, long grabbedCount, long grabbedAmount,
                          long refundedAmount, @JsonInclude(JsonInclude.Include.ALWAYS) BestLuck bestLuck) {
        public RainEnd(String configCode, String roomId, long grabbedCount, long grabbedAmount, long refundedAmount,
                       BestLuck bestLuck) {
            this("RAIN_END", configCode, roomId, grabbedCount, grabbedAmount, refundedAmount, bestLuck);
        }
    }

    public record BestLuck(String userId, long amount) {
    }
}
