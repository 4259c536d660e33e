package dev.rain.common;

/** How a rain's total is split into packets. */
public enum RainMode {
    /** Double-average random split: lively amounts, expected value of each packet is the average. */
    LUCKY,
    /** Equal split; the remainder cents go one each to the first packets so the sum is exact. */
    EQUAL
}
