package dev.rain.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressLeasesTest {

    private static final long MS = 1_000_000L;
    private final AddressLeases leases = new AddressLeases();

    @Test
    @DisplayName("an address seen for the first time asks Redis for one request and has no lease")
    void firstRequestAsksForOne() {
        assertFalse(leases.tryTake("10.0.0.1", 0));
        assertEquals(1, leases.askFor("10.0.0.1", 0));
    }

    @Test
    @DisplayName("a lease serves exactly what was granted beyond the current request, then Redis is asked again")
    void leaseServesWhatWasGranted() {
        leases.granted("a", 4, 0);
        assertTrue(leases.tryTake("a", MS));
        assertTrue(leases.tryTake("a", MS));
        assertTrue(leases.tryTake("a", MS));
        assertFalse(leases.tryTake("a", MS), "three leased, the fourth was the granting request's own");
    }

    @Test
    @DisplayName("a lease used up within half its validity doubles the next ask, up to the cap; one that lapsed halves it")
    void asksGrowWithDemandAndShrinkWithout() {
        long now = 0;
        int ask = leases.askFor("a", now);
        for (int i = 0; i < 10; i++) {
            leases.granted("a", ask, now);
            while (leases.tryTake("a", now)) {
                now += 1;
            }
            ask = leases.askFor("a", now);
        }
        assertEquals(AddressLeases.MAX_LEASE, ask);
        leases.granted("a", ask, now);
        now += 60 * MS;
        assertFalse(leases.tryTake("a", now), "lapsed: its leftovers are not used");
        assertEquals(AddressLeases.MAX_LEASE / 2, leases.askFor("a", now));
    }

    @Test
    @DisplayName("a lease used up in its second half keeps its size: twice as many might lapse unused")
    void slowUseKeepsTheSize() {
        leases.granted("a", 1, 0);
        assertEquals(2, leases.askFor("a", MS));
        leases.granted("a", 2, MS);
        assertTrue(leases.tryTake("a", 40 * MS));
        assertEquals(2, leases.askFor("a", 40 * MS), "ran out 39 ms into a 50 ms lease");
    }

    @Test
    @DisplayName("grants to requests that missed together add up instead of replacing each other")
    void concurrentGrantsAddUp() {
        leases.granted("a", 3, 0);
        leases.granted("a", 3, MS);
        int served = 0;
        while (leases.tryTake("a", 2 * MS)) {
            served++;
        }
        assertEquals(4, served);
    }

    @Test
    @DisplayName("a blocked address has no lease and asks for one until the block ends")
    void blockStopsLeasing() {
        String key = AddressLeases.key("10.0.0.2", true);
        leases.granted(key, 10, 0);
        leases.block(key, 100 * MS);
        assertFalse(leases.tryTake(key, MS));
        assertEquals(1, leases.askFor(key, MS));
        leases.granted(key, 10, 2 * MS);
        assertFalse(leases.tryTake(key, 3 * MS), "still blocked");
        leases.granted(key, 10, 101 * MS);
        assertTrue(leases.tryTake(key, 102 * MS), "the block is over");
    }

    @Test
    @DisplayName("requests naming a rain and other requests of one address lease apart")
    void rainPathsLeaseApart() {
        leases.granted(AddressLeases.key("10.0.0.3", false), 5, 0);
        assertFalse(leases.tryTake(AddressLeases.key("10.0.0.3", true), 0));
        assertTrue(leases.tryTake(AddressLeases.key("10.0.0.3", false), 0));
    }
}
