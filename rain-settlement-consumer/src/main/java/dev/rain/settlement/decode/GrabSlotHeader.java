package dev.rain.settlement.decode;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Reads {@link SettlementEvent#GRAB_SLOT_HEADER}: which of the viewer's slots a grab took, in decimal ASCII. */
public final class GrabSlotHeader {

    /** Nine digits always fit an int; the ledger bounds the slot by the rain's maxGrabsPerUser anyway. */
    private static final int MAX_DIGITS = 9;

    private GrabSlotHeader() {
    }

    /**
     * @return the slot as sent (range checked later, against the rain), or {@link Claim#NO_SLOT} when the header is
     *     absent: such a grab cannot be credited, it is recorded as an anomaly rather than lost
     * @throws PoisonRecordException when the header is there but is not one decimal number
     */
    public static int parse(Headers headers) throws PoisonRecordException {
        Iterator<Header> found = headers.headers(SettlementEvent.GRAB_SLOT_HEADER).iterator();
        if (!found.hasNext()) {
            return Claim.NO_SLOT;
        }
        byte[] value = found.next().value();
        if (found.hasNext()) {
            throw new PoisonRecordException("header " + SettlementEvent.GRAB_SLOT_HEADER + " appears more than once");
        }
        if (value == null || value.length == 0 || value.length > MAX_DIGITS) {
            throw new PoisonRecordException("header " + SettlementEvent.GRAB_SLOT_HEADER + " must be 1.." + MAX_DIGITS
                + " decimal digits, was " + describe(value));
        }
        int slot = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                throw new PoisonRecordException("header " + SettlementEvent.GRAB_SLOT_HEADER
                    + " must be decimal digits, was " + describe(value));
            }
            slot = slot * 10 + (b - '0');
        }
        return slot;
    }

    private static String describe(byte[] value) {
        return value == null ? "null" : "'" + new String(value, StandardCharsets.ISO_8859_1) + "'";
    }
}
