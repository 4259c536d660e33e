package dev.rain.common.ledger.settle;

/** Why the ledger refused a claim; the names are the {@code claim_anomalies.reason} values. */
public enum AnomalyReason {
    /** The packet was credited to another viewer (or differently): Redis handed it out twice. */
    PACKET_ALREADY_CREDITED(false),
    /** The viewer already holds every slot of this rain: Redis forgot an earlier grab. */
    OVER_USER_LIMIT(true),
    /** The escrow cannot cover the packet: more was claimed than the rain was funded with. */
    ESCROW_EXHAUSTED(true),
    /** The rain was refunded and finished before this claim arrived. */
    RAIN_FINISHED(true),
    /** No rain with this config code exists in the ledger. */
    UNKNOWN_RAIN(false);

    private final boolean packetLeftUncredited;

    AnomalyReason(boolean packetLeftUncredited) {
        this.packetLeftUncredited = packetLeftUncredited;
    }

    /**
     * Whether the refused claim's packet stays with the escrow, so it counts in {@code rains.rejected_count}: the
     * finisher waits for {@code settled + rejected >= claimed} before refunding.
     */
    public boolean packetLeftUncredited() {
        return packetLeftUncredited;
    }
}
