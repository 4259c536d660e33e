package dev.rain.api.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressLeasesTest {

    private static final long MS = 1_000_000L;
    private static final long WINDOW = AddressLeases.LEASE_NANOS;
    private final AtomicLong clock = new AtomicLong();
    private final AddressLeases leases = new AddressLeases(AddressLeases.MAX_ENTRIES, clock::get);

    /** Redis as the leases see it: every call recorded, answered when the test says. */
    private static final class Calls implements IntFunction<Future<GcraScript.Verdict>> {
        final List<Integer> asks = new ArrayList<>();
        final List<Promise<GcraScript.Verdict>> replies = new ArrayList<>();
        boolean grantAtOnce;

        @Override
        public Future<GcraScript.Verdict> apply(int take) {
            asks.add(take);
            if (grantAtOnce) {
                return Future.succeededFuture(new GcraScript.Verdict(-1, 0, take));
            }
            Promise<GcraScript.Verdict> reply = Promise.promise();
            replies.add(reply);
            return reply.future();
        }

        void grant(int call, int granted) {
            replies.get(call).complete(new GcraScript.Verdict(-1, 0, granted));
        }

        int charged() {
            return asks.stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final Calls redis = new Calls();

    @Test
    @DisplayName("an address seen for the first time asks Redis for one request and waits for the answer")
    void firstRequestAsksForOne() {
        Future<GcraScript.Verdict> first = leases.admit("10.0.0.1", redis);
        assertEquals(List.of(1), redis.asks);
        assertFalse(first.isComplete());
        redis.grant(0, 1);
        assertSame(AddressLeases.ALLOWED, first.result());
    }

    @Test
    @DisplayName("requests that miss together share the call in flight, and the next call asks for all those it did not cover")
    void missesShareOneCall() {
        List<Future<GcraScript.Verdict>> answers = admit("a", 5);
        assertEquals(List.of(1), redis.asks, "one call in flight for five requests");
        redis.grant(0, 1);
        assertTrue(answers.get(0).succeeded());
        assertFalse(answers.get(1).isComplete());
        assertEquals(List.of(1, 4), redis.asks, "the four still waiting, in one call");
        redis.grant(1, 4);
        answers.forEach(answer -> assertSame(AddressLeases.ALLOWED, answer.result()));
    }

    @Test
    @DisplayName("a fresh address sending 3 requests and then 30 at once is charged 33, not a doubling lease each")
    void burstIsChargedWhatItSends() {
        redis.grantAtOnce = true;
        for (int i = 0; i < 3; i++) {
            assertTrue(leases.admit("nat", redis).succeeded());
            clock.addAndGet(MS);
        }
        redis.grantAtOnce = false;
        List<Future<GcraScript.Verdict>> burst = admit("nat", 30);
        assertEquals(List.of(1, 1, 1, 1), redis.asks, "one call in flight for the 30");
        redis.grant(0, 1);
        assertEquals(List.of(1, 1, 1, 1, 29), redis.asks, "then one for the 29 it did not cover");
        redis.grant(1, 29);
        burst.forEach(answer -> assertTrue(answer.succeeded()));
        assertEquals(33, redis.charged());
    }

    @Test
    @DisplayName("an address that kept up a rate for two windows gets a lease of that rate; a lapsed lease serves nothing")
    void steadyRateIsLeased() {
        warm("steady", 20);
        admit("steady", 10);
        assertEquals(List.of(20), redis.asks, "a window's worth at 20 a window, asked by the first");
        clock.addAndGet(WINDOW + MS);
        redis.grantAtOnce = false;
        assertFalse(leases.admit("steady", redis).isComplete(), "the lease lapsed with 10 left: they are not used");
        assertEquals(2, redis.asks.size());
    }

    @Test
    @DisplayName("a one-off burst spread over two windows gets no lease beyond what waits: its rate did not hold")
    void burstIsNoRate() {
        redis.grantAtOnce = true;
        admit("once", 30);
        clock.addAndGet(WINDOW);
        admit("once", 3);
        assertEquals(33, redis.charged(), "asks " + redis.asks);
    }

    @Test
    @DisplayName("a refusal answers every waiting request with it, and the next request asks again")
    void refusalAnswersAllWaiting() {
        List<Future<GcraScript.Verdict>> answers = admit("a", 3);
        redis.replies.get(0).complete(new GcraScript.Verdict(0, 2_000_000, 0));
        answers.forEach(answer -> assertEquals(0, answer.result().refused()));
        leases.admit("a", redis);
        assertEquals(2, redis.asks.size());
    }

    @Test
    @DisplayName("a Redis failure answers every waiting request with the failure (the limiter fails open on it)")
    void failureAnswersAllWaiting() {
        List<Future<GcraScript.Verdict>> answers = admit("a", 3);
        redis.replies.get(0).fail(new IllegalStateException("connection lost"));
        answers.forEach(answer -> assertTrue(answer.failed()));
        assertEquals(1, redis.asks.size(), "one call for the three");
    }

    @Test
    @DisplayName("a blocked address keeps no lease and asks only for what waits until the block ends")
    void blockStopsLeasing() {
        String key = AddressLeases.key("10.0.0.2", true);
        warm(key, 20);
        leases.block(key, clock.get() + 10 * MS);
        leases.admit(key, redis);
        leases.admit(key, redis);
        assertEquals(List.of(1, 1), redis.asks, "no lease while blocked");
        clock.addAndGet(11 * MS);
        leases.admit(key, redis);
        leases.admit(key, redis);
        assertEquals(List.of(1, 1, 20), redis.asks, "the block is over: leased again, the second request served from it");
    }

    @Test
    @DisplayName("requests naming a rain and other requests of one address lease apart")
    void rainPathsLeaseApart() {
        warm(AddressLeases.key("10.0.0.3", false), 20);
        admit(AddressLeases.key("10.0.0.3", false), 1);
        leases.admit(AddressLeases.key("10.0.0.3", true), redis);
        assertEquals(List.of(20, 1), redis.asks, "the rain paths had no lease of their own");
    }

    @Test
    @DisplayName("a leased rate is renewed ahead once, when a take brings the lease to a quarter; misses meanwhile wait for it")
    void hotLeaseRenewsAheadOnce() {
        warm("hot", 16);
        redis.grantAtOnce = false;
        List<Future<GcraScript.Verdict>> first = admit("hot", 1);
        redis.grant(0, 16); // 15 left
        assertTrue(first.get(0).succeeded());
        admit("hot", 10);
        assertEquals(List.of(16), redis.asks, "no renewal above a quarter");
        admit("hot", 1);
        assertEquals(List.of(16, 12), redis.asks, "due at 4 of 16 left: topped up to a window's worth");
        admit("hot", 4);
        List<Future<GcraScript.Verdict>> waiting = admit("hot", 2);
        assertEquals(2, redis.asks.size(), "one call in flight at a time: the misses wait for the renewal");
        redis.grant(1, 12);
        waiting.forEach(answer -> assertTrue(answer.succeeded()));
    }

    @Test
    @DisplayName("an address below the prefetch rate is never renewed ahead: a renewal would lapse unused")
    void slowRatesAreNotRenewedAhead() {
        int rate = AddressLeases.MIN_PREFETCH - 1;
        warm("slow", rate);
        redis.grantAtOnce = false;
        admit("slow", 1);
        redis.grant(0, rate);
        admit("slow", rate - 1);
        assertEquals(List.of(rate), redis.asks, "a lease of its rate, spent to the end with no renewal");
    }

    @Test
    @DisplayName("a flood of one-off addresses keeps the lease map at its bound and does not push out a hot address")
    void floodOfAddressesStaysBoundedAndKeepsTheHotOne() {
        AddressLeases bounded = new AddressLeases(100, clock::get);
        redis.grantAtOnce = true;
        for (int window = 0; window < 2; window++) {
            for (int i = 0; i < AddressLeases.MAX_LEASE; i++) {
                bounded.admit("hot", redis);
            }
            clock.addAndGet(WINDOW);
        }
        bounded.admit("hot", redis);
        int callsOfTheHotAddress = redis.asks.size();
        // The others' calls never answer: each stays a waiting entry of its own.
        Calls others = new Calls();
        for (int i = 0; i < 5_000; i++) {
            bounded.admit("10.1." + (i >> 8) + "." + (i & 0xFF), others);
            assertTrue(bounded.admit("hot", redis).succeeded(), "the hot address after " + i + " others");
        }
        assertTrue(redis.asks.size() - callsOfTheHotAddress < 5_000 / 64,
            "the hot address kept its lease (renewed ahead) rather than starting afresh: "
                + (redis.asks.size() - callsOfTheHotAddress) + " calls for 5,000 requests");
        assertTrue(bounded.size() <= 100, bounded.size() + " addresses remembered");
    }

    /** Two windows of {@code perWindow} requests each, granted one by one: the key has kept up that rate. */
    private void warm(String key, int perWindow) {
        redis.grantAtOnce = true;
        for (int window = 0; window < 2; window++) {
            admit(key, perWindow);
            clock.addAndGet(WINDOW);
        }
        redis.asks.clear();
    }

    private List<Future<GcraScript.Verdict>> admit(String key, int requests) {
        List<Future<GcraScript.Verdict>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            answers.add(leases.admit(key, redis));
        }
        return answers;
    }
}
