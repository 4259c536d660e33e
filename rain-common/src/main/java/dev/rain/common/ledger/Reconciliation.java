package dev.rain.common.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.rain.common.RainStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A rain's reconciliation: what its ledger moved against what its counters and shards say, and whether that is
 * balanced. The anchor's report, the tests and the benchmark's audit all judge a rain by this one rule.
 *
 * <p>Balanced means the journal adds up ({@code funded == credited + refunded + escrow}), the rain was funded with
 * its total, its counters agree with the journal, no claim was refused, the ledger credited no more than the rain's
 * shards handed out, and a finished rain left nothing behind: no escrow, nothing in flight.
 */
@JsonPropertyOrder({"configCode", "status", "funded", "credited", "refunded", "inFlight", "escrowBalance",
    "anomalyCount", "anomalies", "balanced"})
public record Reconciliation(String configCode, String status, long funded, long credited, long refunded,
                             long inFlight, long escrowBalance, long anomalyCount, List<Finding> anomalies,
                             boolean balanced) {

    /** A claim the ledger refused (with its packet and viewer), or a mismatch between totals (kind and detail only). */
    @JsonPropertyOrder({"kind", "packetId", "userId", "amount", "grabbedAt", "detail"})
    public record Finding(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) String packetId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String userId,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Long amount,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String grabbedAt, String detail) {

        static Finding mismatch(String kind, String detail) {
            return new Finding(kind, null, null, null, null, detail);
        }

        static Finding refused(ReadSql.Anomaly a) {
            return new Finding(a.reason(), a.packetId(), a.userId(), a.amount(), a.occurredAt().toString(), a.detail());
        }
    }

    /**
     * @param grabbedAmount what the rain's shards handed out so far (live while it runs, frozen once closed)
     */
    public static Reconciliation of(RainRecord rain, long grabbedAmount, ReadSql.LedgerFigures figures) {
        List<Finding> findings = new ArrayList<>();
        figures.anomalies().forEach(a -> findings.add(Finding.refused(a)));
        // From the ledger's totals, not from the listed anomalies: the list is bounded, the money is not.
        long inFlight = Math.max(0, grabbedAmount - figures.credited() - figures.refusedAmount());
        boolean finished = rain.status() == RainStatus.FINISHED;
        mismatches(rain, figures, finished, findings);
        return new Reconciliation(rain.configCode(), rain.status().name(), figures.funded(), figures.credited(),
            figures.refunded(), inFlight, figures.escrowBalance(),
            figures.anomalyCount() + findings.size() - figures.anomalies().size(), List.copyOf(findings),
            findings.isEmpty() && (!finished || inFlight == 0));
    }

    private static void mismatches(RainRecord rain, ReadSql.LedgerFigures figures, boolean finished,
                                   List<Finding> findings) {
        if (figures.funded() != figures.credited() + figures.refunded() + figures.escrowBalance()) {
            findings.add(Finding.mismatch("JOURNAL_MISMATCH", "funded " + figures.funded() + " != credited "
                + figures.credited() + " + refunded " + figures.refunded() + " + escrow " + figures.escrowBalance()));
        }
        if (figures.funded() != rain.totalAmount()) {
            findings.add(Finding.mismatch("FUNDING_MISMATCH",
                "funded " + figures.funded() + " != totalAmount " + rain.totalAmount()));
        }
        if (figures.credited() != rain.settledAmount() || figures.creditedCount() != rain.settledCount()) {
            findings.add(Finding.mismatch("COUNTER_MISMATCH", "journal credited " + figures.credited() + " in "
                + figures.creditedCount() + " grabs, counters say " + rain.settledAmount() + " in "
                + rain.settledCount()));
        }
        // Once the finisher froze what the shards handed out, the ledger can have credited no more than that. More
        // means claims that no grab of this rain produced (a message from elsewhere), or Redis losing the writes that
        // counted them. The money still adds up then, so no other check here sees it.
        if (rain.claimedCount() != null && rain.claimedAmount() != null
            && (figures.creditedCount() > rain.claimedCount() || figures.credited() > rain.claimedAmount())) {
            findings.add(Finding.mismatch("CREDITED_BEYOND_CLAIMS", "the ledger credited " + figures.credited()
                + " in " + figures.creditedCount() + " grabs, the rain's shards handed out " + rain.claimedAmount()
                + " in " + rain.claimedCount()));
        }
        if (finished && figures.escrowBalance() != 0) {
            findings.add(Finding.mismatch("ESCROW_NOT_EMPTY",
                "the finished rain's escrow still holds " + figures.escrowBalance()));
        }
    }
}
