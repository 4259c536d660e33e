package dev.rain.settlement.testing;

import dev.rain.settlement.ledger.BatchResult;
import dev.rain.settlement.ledger.Claim;
import dev.rain.settlement.ledger.LedgerWriter;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real ledger behind switches a test flips: a database that refuses connections (always, or for the first
 * batch holding given claims), a commit whose acknowledgement is lost on the way back, a claim that fails every
 * time it is applied.
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

    public FlakyLedger(LedgerWriter real) {
        this.real = real;
    }

    @Override
    public BatchResult apply(List<Claim> claims) throws SQLException {
        calls.incrementAndGet();
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
}
