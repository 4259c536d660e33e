package dev.rain.common.event;

public enum SettlementType {
    GRAB,
    REFUND
}
