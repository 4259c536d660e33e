package dev.rain.common.ledger.settle;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.event.SettlementType;
import dev.rain.common.id.Ids;
import java.time.Instant;
import java.util.Objects;

/**
 * One settlement message, checked and ready for the ledger.
 *
 * @param occurredAt the event's time, truncated to the microsecond Postgres stores, so a redelivery compares equal
 * @param slot       for a grab, which of the viewer's slots it took (1-based); {@link #NO_SLOT} when the message
 *                   carried none, and always for a refund
 */
public record Claim(SettlementEvent event, Instant occurredAt, int slot) {

    public static final int NO_SLOT = 0;

    public Claim {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    public boolean isGrab() {
        return event.type() == SettlementType.GRAB;
    }

    public String bizId() {
        return event.bizId();
    }

    public String configCode() {
        return event.configCode();
    }

    public String userId() {
        return event.userId();
    }

    public long amount() {
        return event.amount();
    }

    public String escrowAccount() {
        return Ids.escrowAccount(event.configCode());
    }

    /** The account credited: the viewer's wallet for a grab, the anchor's for a refund. */
    public String creditAccount() {
        return Ids.walletAccount(event.userId());
    }
}
