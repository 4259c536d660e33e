package dev.rain.common.ledger.settle;

/** A claim the ledger refused, with a sentence for the reconciliation report. */
public record Anomaly(Claim claim, AnomalyReason reason, String detail) {
}
