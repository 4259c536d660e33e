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

    @Test
    @DisplayName("a hot lease is renewed ahead once, when a take brings it down to a quarter, and the renewal adds to what is left")
    void hotLeaseRenewsAheadOnce() {
        assertEquals(16, hot("a", 16, 0)); // 15 leased
        assertEquals(11, takesUntilRenewalDue("a", MS), "due once 4 of 16 are left");
        assertTrue(leases.tryTake("a", MS));
        assertEquals(0, leases.renewal("a", MS), "one renewal in flight at a time");
        leases.renewed("a", 32, 2 * MS);
        int served = 0;
        while (served < 1000 && leases.tryTake("a", 3 * MS)) {
            served++;
        }
        assertEquals(3 + 32, served, "what was left, and every request of the renewal (none is a request's own)");
    }

    @Test
    @DisplayName("a renewal asks for twice the lease when the quarter mark came within half its validity, the same size later")
    void renewalSizeFollowsThePace() {
        hot("fast", 16, 0);
        takesUntilRenewalDue("fast", MS);
        leases.renewalFailed("fast");
        assertTrue(leases.tryTake("fast", MS));
        assertEquals(64, leases.renewal("fast", MS), "asked again after a failed renewal, doubled again: still fast");

        hot("slow", 16, 0);
        int ask = 0;
        for (int i = 0; i < 100 && ask == 0; i++) {
            assertTrue(leases.tryTake("slow", 30 * MS));
            ask = leases.renewal("slow", 30 * MS);
        }
        assertEquals(16, ask, "reached the quarter mark 30 ms into a 50 ms lease");
    }

    @Test
    @DisplayName("small leases are never renewed ahead: at their pace a renewal would lapse unused")
    void smallLeasesAreNotRenewedAhead() {
        hot("a", AddressLeases.MIN_PREFETCH / 2, 0);
        for (int i = 0; i < 100 && leases.tryTake("a", MS); i++) {
            assertEquals(0, leases.renewal("a", MS));
        }
    }

    @Test
    @DisplayName("a blocked lease is not renewed ahead, and a renewal landing while it is blocked leases nothing")
    void blockedLeaseIsNotRenewed() {
        hot("a rain", 16, 0);
        takesUntilRenewalDue("a rain", MS);
        leases.block("a rain", 100 * MS);
        leases.renewed("a rain", 64, 2 * MS);
        assertFalse(leases.tryTake("a rain", 3 * MS));
        assertEquals(0, leases.renewal("a rain", 3 * MS));
    }

    @Test
    @DisplayName("a flood of one-off addresses keeps the lease map at its bound and does not push out a hot address")
    void floodOfAddressesStaysBoundedAndKeepsTheHotOne() {
        AddressLeases bounded = new AddressLeases(100);
        bounded.granted("hot", 1_000_000, 0);
        for (int i = 0; i < 20_000; i++) {
            bounded.granted("10.1." + (i >> 8) + "." + (i & 0xFF), 2, 0);
            assertTrue(bounded.tryTake("hot", MS), "the hot address's lease after " + i + " other addresses");
        }
        assertTrue(bounded.size() <= 100, bounded.size() + " addresses remembered");
    }

    /** Drives a lease up to {@code size} as a hot address does (spent at once, asked again); the last grant stays. */
    private int hot(String key, int size, long now) {
        int ask = leases.askFor(key, now);
        for (int round = 0; round < 20 && ask < size; round++) {
            leases.granted(key, ask, now);
            for (int i = 0; i < 1000 && leases.tryTake(key, now); i++) {
                // spend it
            }
            ask = leases.askFor(key, now);
        }
        leases.granted(key, ask, now);
        return ask;
    }

    /** Takes from the lease until a renewal is due (and started); how many takes that was. */
    private int takesUntilRenewalDue(String key, long now) {
        for (int taken = 0; taken < 1000; taken++) {
            if (leases.renewal(key, now) > 0) {
                return taken;
            }
            assertTrue(leases.tryTake(key, now), "the lease still serves while no renewal is due");
        }
        throw new AssertionError("no renewal came due");
    }
}
