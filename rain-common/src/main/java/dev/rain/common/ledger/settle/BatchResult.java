package dev.rain.common.ledger.settle;

import java.util.List;

/**
 * What one batch did to the ledger.
 *
 * @param credited     grabs newly credited to a viewer
 * @param refunded     refunds newly applied (only when rebuilding a ledger: the API applies its own)
 * @param duplicates   messages already applied before, left alone
 * @param newAnomalies refused claims recorded for the first time (a redelivered refusal is not counted again)
 */
public record BatchResult(int credited, int refunded, int duplicates, List<Anomaly> newAnomalies) {

    public BatchResult {
        newAnomalies = List.copyOf(newAnomalies);
    }

    public int applied() {
        return credited + refunded;
    }
}
