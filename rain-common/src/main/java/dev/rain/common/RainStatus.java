package dev.rain.common;

/** A rain's lifecycle, in order. A rain only ever moves forward through these. */
public enum RainStatus {
    WAIT_PREPARE,
    PREPARED,
    RUNNING,
    FINISHED
}
