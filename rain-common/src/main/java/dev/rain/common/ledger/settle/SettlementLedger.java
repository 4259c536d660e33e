package dev.rain.common.ledger.settle;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies settlement claims to the Postgres ledger, in the caller's transaction, keeping the money invariants:
 * no bizId applied twice, no balance below zero, at most {@code maxGrabsPerUser} packets per viewer and rain,
 * each packet credited to at most one viewer, and money only ever moved, never made.
 *
 * <p>The fast path is set-based: one statement per step for the whole batch. When the schema refuses the batch
 * (a viewer's slot already taken, an escrow that cannot pay), it is rolled back and settled claim by claim,
 * each under a savepoint, so only the offending claims become anomalies.
 */
public final class SettlementLedger {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementLedger.class);

    /** The batch's best grab of a rain: highest amount, then earliest, then lowest packet id. */
    private static final Comparator<Claim> BEST_LUCK = Comparator.comparingLong(Claim::amount).reversed()
        .thenComparing(Claim::occurredAt)
        .thenComparing(Claim::bizId);

    /**
     * Applies the claims in {@code c}'s transaction, which must hold nothing else: a batch the schema refuses
     * somewhere is rolled back and settled again, more carefully.
     */
    public BatchResult apply(Connection c, List<Claim> claims) throws SQLException {
        if (claims.isEmpty()) {
            return new BatchResult(0, 0, 0, List.of());
        }
        SortedSet<String> codes = claims.stream().map(Claim::configCode)
            .collect(Collectors.toCollection(TreeSet::new));
        if (FirstGrabsFastPath.candidates(claims)) {
            Optional<BatchResult> result = FirstGrabsFastPath.settle(c, codes, claims, bestPerRain(claims));
            if (result.isPresent()) {
                return result.get();
            }
            LOG.debug("batch of {} grabs is not all new; settling it claim against journal", claims.size());
        }
        return applyCarefully(c, codes, claims);
    }

    private BatchResult applyCarefully(Connection c, SortedSet<String> codes, List<Claim> claims)
        throws SQLException {
        Map<String, LockedRain> rains = RainRows.lock(c, codes);
        // Rolling back to here keeps the rain locks: the slow path settles against the same snapshot of rains.
        Savepoint beforeSettling = c.setSavepoint();
        Outcome outcome;
        try {
            outcome = settleInRounds(c, rains, claims, beforeSettling);
            c.releaseSavepoint(beforeSettling);
        } catch (SQLException e) {
            if (Refusals.of(e).isEmpty()) {
                throw e;
            }
            LOG.info("batch of {} claims refused as a whole ({}); settling it claim by claim", claims.size(),
                e.getMessage());
            c.rollback(beforeSettling);
            outcome = settleOneByOne(c, rains, claims);
        }
        return record(c, rains, outcome);
    }

    /**
     * A bizId delivered twice in one batch is settled in a later round than its first occurrence, so it is judged
     * against the journal like any redelivery: the same grab again, or the packet claimed by someone else.
     */
    private Outcome settleInRounds(Connection c, Map<String, LockedRain> rains, List<Claim> claims,
                                   Savepoint beforeSettling) throws SQLException {
        Outcome outcome = new Outcome();
        // Only the first round starts with nothing written since the savepoint.
        Savepoint cleanSince = beforeSettling;
        for (List<Claim> round : rounds(claims)) {
            outcome.add(settle(c, rains, round, cleanSince));
            cleanSince = null;
        }
        return outcome;
    }

    private Outcome settleOneByOne(Connection c, Map<String, LockedRain> rains, List<Claim> claims)
        throws SQLException {
        Outcome outcome = new Outcome();
        for (Claim claim : claims) {
            Savepoint beforeClaim = c.setSavepoint();
            try {
                outcome.add(settle(c, rains, List.of(claim), beforeClaim));
                c.releaseSavepoint(beforeClaim);
            } catch (SQLException e) {
                Optional<AnomalyReason> refusal = Refusals.of(e);
                // A refund the escrow cannot pay is not a viewer's claim to refuse: it is a broken ledger.
                if (refusal.isEmpty() || !claim.isGrab()) {
                    throw e;
                }
                c.rollback(beforeClaim);
                outcome.anomalies.add(new Anomaly(claim, refusal.get(), refusalDetail(refusal.get(), claim)));
            }
        }
        return outcome;
    }

    /**
     * Settles claims with distinct bizIds: triage, insert first, judge what was there, move the money.
     *
     * @param cleanSince a savepoint with nothing written after it yet, or null (see {@link TransferRows#insert})
     */
    private Outcome settle(Connection c, Map<String, LockedRain> rains, List<Claim> claims, Savepoint cleanSince)
        throws SQLException {
        Outcome outcome = new Outcome();
        List<Claim> insertable = new ArrayList<>();
        // Claims that must not be credited; each becomes its anomaly unless the journal shows it was applied before.
        List<Anomaly> unlessApplied = new ArrayList<>();
        for (Claim claim : claims) {
            triage(claim, rains.get(claim.configCode()), outcome, insertable, unlessApplied);
        }
        Set<String> inserted = TransferRows.insert(c, insertable, cleanSince);
        List<Claim> fresh = new ArrayList<>();
        List<Claim> seenBefore = new ArrayList<>();
        insertable.forEach(claim -> (inserted.contains(claim.bizId()) ? fresh : seenBefore).add(claim));

        List<String> lookups = new ArrayList<>(seenBefore.stream().map(Claim::bizId).toList());
        unlessApplied.forEach(anomaly -> lookups.add(anomaly.claim().bizId()));
        Map<String, TransferRows.Stored> journal = TransferRows.find(c, lookups);
        for (Claim claim : seenBefore) {
            judgeRedelivery(claim, journal.get(claim.bizId()), outcome);
        }
        for (Anomaly anomaly : unlessApplied) {
            TransferRows.Stored stored = journal.get(anomaly.claim().bizId());
            if (stored == null) {
                outcome.anomalies.add(anomaly);
            } else {
                judgeRedelivery(anomaly.claim(), stored, outcome);
            }
        }
        moveMoney(c, fresh);
        fresh.forEach(claim -> (claim.isGrab() ? outcome.credited : outcome.refunded).add(claim));
        return outcome;
    }

    /** Sorts one claim: insertable, refused outright, or refused unless the journal shows it applied before. */
    private static void triage(Claim claim, LockedRain rain, Outcome outcome, List<Claim> insertable,
                               List<Anomaly> unlessApplied) {
        if (rain == null) {
            outcome.anomalies.add(new Anomaly(claim, AnomalyReason.UNKNOWN_RAIN,
                "no rain " + claim.configCode() + " in the ledger"));
        } else if (!claim.isGrab()) {
            checkRefundAnchor(claim, rain);
            insertable.add(claim);
        } else if (rain.finished()) {
            unlessApplied.add(new Anomaly(claim, AnomalyReason.RAIN_FINISHED,
                "the rain was refunded and finished before this grab was settled"));
        } else if (!rain.slotAllowed(claim.slot())) {
            unlessApplied.add(new Anomaly(claim, AnomalyReason.OVER_USER_LIMIT,
                "grab slot " + claim.slot() + " is missing or outside 1.." + rain.maxGrabsPerUser()));
        } else {
            insertable.add(claim);
        }
    }

    private static void checkRefundAnchor(Claim refund, LockedRain rain) {
        if (!rain.anchorId().equals(refund.userId())) {
            throw new IllegalStateException("refund " + refund.bizId() + " names anchor " + refund.userId()
                + " but rain " + rain.configCode() + " belongs to " + rain.anchorId());
        }
    }

    private static void judgeRedelivery(Claim claim, TransferRows.Stored stored, Outcome outcome) {
        if (stored == null) {
            // ON CONFLICT skipped it, so a committed row exists; READ COMMITTED sees it. Never guess past this.
            throw new IllegalStateException("bizId " + claim.bizId() + " was neither inserted nor found");
        }
        if (!claim.isGrab()) {
            // The finisher applied its refund before publishing it: the journal's row is the refund.
            if (stored.amount() != claim.amount() || !stored.userId().equals(claim.userId())) {
                LOG.warn("refund {} of {} to {} differs from the journal's {} to {}; the journal stands",
                    claim.bizId(), claim.amount(), claim.userId(), stored.amount(), stored.userId());
            }
            outcome.duplicates++;
            return;
        }
        if (stored.sameAs(claim)) {
            outcome.duplicates++;
            return;
        }
        outcome.anomalies.add(new Anomaly(claim, AnomalyReason.PACKET_ALREADY_CREDITED,
            "packet already credited to " + stored.userId() + " (" + stored.amount() + " at " + stored.occurredAt()
                + ")"));
    }

    /** Debits each escrow and credits each wallet once, by the sum of this batch's movements on it. */
    private static void moveMoney(Connection c, List<Claim> fresh) throws SQLException {
        List<Claim> refunds = fresh.stream().filter(claim -> !claim.isGrab()).toList();
        AccountRows.move(c, AccountRows.Moves.of(fresh));
        RainRows.finishByRefunds(c, refunds);
    }

    /** Records the anomalies and brings each rain's counters and best luck up to date, once per batch. */
    private static BatchResult record(Connection c, Map<String, LockedRain> rains, Outcome outcome)
        throws SQLException {
        List<Anomaly> recorded = AnomalyRows.insert(c, outcome.anomalies);
        Map<String, RainRows.Counters> counters = RainRows.settled(outcome.credited);
        for (Anomaly anomaly : recorded) {
            String code = anomaly.claim().configCode();
            if (anomaly.reason().packetLeftUncredited() && rains.containsKey(code)) {
                counters.merge(code, new RainRows.Counters(code, 0, 0, 1), RainRows.Counters::plus);
            }
        }
        RainRows.addCounters(c, counters.values());
        RainRows.raiseBestLuck(c, bestPerRain(outcome.credited));
        return new BatchResult(outcome.credited.size(), outcome.refunded.size(), outcome.duplicates, recorded);
    }

    private static List<Claim> bestPerRain(List<Claim> credited) {
        Map<String, Claim> best = new HashMap<>();
        for (Claim grab : credited) {
            best.merge(grab.configCode(), grab, (a, b) -> BEST_LUCK.compare(a, b) <= 0 ? a : b);
        }
        return List.copyOf(best.values());
    }

    private static List<List<Claim>> rounds(List<Claim> claims) {
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        List<List<Claim>> rounds = new ArrayList<>();
        for (Claim claim : claims) {
            int round = occurrences.merge(claim.bizId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(claim);
        }
        return rounds;
    }

    private static String refusalDetail(AnomalyReason reason, Claim claim) {
        return switch (reason) {
            case OVER_USER_LIMIT -> "the viewer already holds grab slot " + claim.slot() + " of this rain";
            case ESCROW_EXHAUSTED -> "the escrow cannot cover " + claim.amount();
            default -> reason.name();
        };
    }
}
