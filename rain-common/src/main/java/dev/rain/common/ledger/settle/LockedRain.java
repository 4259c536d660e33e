package dev.rain.common.ledger.settle;

import dev.rain.common.RainStatus;

/** The part of a {@code rains} row the settlement needs, read while the row is locked for this batch. */
record LockedRain(String configCode, String anchorId, RainStatus status, int maxGrabsPerUser) {

    boolean finished() {
        return status == RainStatus.FINISHED;
    }

    boolean slotAllowed(int slot) {
        return slot >= 1 && slot <= maxGrabsPerUser;
    }
}
