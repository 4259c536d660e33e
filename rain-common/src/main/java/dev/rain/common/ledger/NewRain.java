package dev.rain.common.ledger;

import dev.rain.common.RainMode;

/** A validated create request, with its freshly drawn config code. */
public record NewRain(
    String configCode,
    String roomId,
    String anchorId,
    RainMode mode,
    long totalAmount,
    int totalCount,
    int maxGrabsPerUser,
    int countdownSeconds,
    int durationSeconds) {
}
