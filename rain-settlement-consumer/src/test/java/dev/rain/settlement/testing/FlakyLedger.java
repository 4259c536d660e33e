package dev.rain.settlement.testing;

import dev.rain.common.ledger.settle.BatchResult;
import dev.rain.common.ledger.settle.Claim;
import dev.rain.common.ledger.settle.LedgerWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real ledger behind switches a test flips: a database that refuses connections (always, or for the first
 * batch holding given claims), a commit whose acknowledgement is lost on the way back, a claim that fails every
 * time it is applied, a transaction held open until the test lets it go, a database slow on every batch.
 */
public final class FlakyLedger implements LedgerWriter {

    private final LedgerWriter real;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger lostAcknowledgements = new AtomicInteger();
    private final AtomicInteger triesAlone = new AtomicInteger();
    private volatile boolean unreachable;
    private volatile String failingBizId;
    /** BizIds whose first batch fails as if the database were away; removed as they fail. */
    private final Set<String> failOnce = ConcurrentHashMap.newKeySet();
    /** The claims of each call, by call number (from 1). */
    private final Map<Integer, List<Claim>> claimsOfCall = new ConcurrentHashMap<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int holdCall;
    private volatile long slowMillis;

    public FlakyLedger(LedgerWriter real) {
        this.real = real;
    }

    @Override
    public BatchResult apply(List<Claim> claims) throws SQLException {
        int call = calls.incrementAndGet();
        claimsOfCall.put(call, List.copyOf(claims));
        if (call == holdCall) {
            held.countDown();
            awaitQuietly(released, Duration.ofMinutes(2));
        }
        if (slowMillis > 0) {
            sleepQuietly(slowMillis);
        }
        if (unreachable || claims.stream().anyMatch(claim -> failOnce.remove(claim.bizId()))) {
            throw new SQLException("Connection to 127.0.0.1:15432 refused.", "08001");
        }
        String failing = failingBizId;
        if (failing != null && claims.stream().anyMatch(claim -> claim.bizId().equals(failing))) {
            if (claims.size() == 1) {
                triesAlone.incrementAndGet();
            }
            throw new IllegalStateException("cannot settle " + failing);
        }
        BatchResult result = real.apply(claims);
        if (lostAcknowledgements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            // The transaction committed; only the answer is lost, as when the connection drops during COMMIT.
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
        }
        return result;
    }

    /** Call number {@code call} (from 1) waits, before it touches the database, until {@link #release()}. */
    public void holdCall(int call) {
        holdCall = call;
    }

    public void awaitHeld(Duration timeout) throws InterruptedException {
        if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("call " + holdCall + " never came within " + timeout.toMillis() + " ms");
        }
    }

    public void release() {
        released.countDown();
    }

    /** Every call takes this much longer, as a busy database would. */
    public void slowEachCall(Duration delay) {
        slowMillis = delay.toMillis();
    }

    public List<Claim> claimsOfCall(int call) {
        return claimsOfCall.getOrDefault(call, List.of());
    }

    public void unreachable(boolean value) {
        unreachable = value;
    }

    public void loseAcknowledgements(int count) {
        lostAcknowledgements.set(count);
    }

    /** The first batch holding any of these bizIds fails as an outage would, once per bizId. */
    public void failOnceEach(Collection<String> bizIds) {
        failOnce.addAll(bizIds);
    }

    public void failAlways(String bizId) {
        failingBizId = bizId;
    }

    public int calls() {
        return calls.get();
    }

    /** How often the failing claim was tried on its own. */
    public int triesAlone() {
        return triesAlone.get();
    }

    private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
