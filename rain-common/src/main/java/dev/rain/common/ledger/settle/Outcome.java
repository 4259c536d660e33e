package dev.rain.common.ledger.settle;

import java.util.ArrayList;
import java.util.List;

/** What settling some claims did, gathered before the rain counters and anomalies are written once. */
final class Outcome {

    final List<Claim> credited = new ArrayList<>();
    final List<Claim> refunded = new ArrayList<>();
    final List<Anomaly> anomalies = new ArrayList<>();
    int duplicates;

    void add(Outcome other) {
        credited.addAll(other.credited);
        refunded.addAll(other.refunded);
        anomalies.addAll(other.anomalies);
        duplicates += other.duplicates;
    }
}
