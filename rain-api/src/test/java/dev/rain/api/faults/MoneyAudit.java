package dev.rain.api.faults;

import dev.rain.common.ledger.LedgerAudit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the contract's money invariants for one rain once the system is quiet, from the ledger itself
 * and from what the viewers were told, and compares the reconciliation endpoint with the ledger.
 */
final class MoneyAudit {

    /** One line of the suite's table. */
    record Verdict(String scenario, long wonAnswers, long creditedCount, long creditedAmount, long refunded,
                   int anomalies, List<String> failures) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    private final List<String> failures = new ArrayList<>();

    private MoneyAudit() {
    }

    /**
     * @param redisMayLose the one scenario allowed to lose writes: a WON answer that was not credited must then be
     *                     reported as an anomaly naming its packet and viewer, instead of failing the audit
     */
    static Verdict audit(String scenario, Connection c, String code, Burst burst, JsonObject reconciliation,
                         boolean redisMayLose) throws SQLException {
        MoneyAudit audit = new MoneyAudit();
        Map<String, Burst.Won> credited = audit.credits(c, code);
        LedgerAudit.RainBooks books = LedgerAudit.rain(c, code);
        long funded = books.funded();
        long creditedAmount = books.credited();
        long refunded = books.refunded();
        Set<String> anomalies = audit.anomalies(c, code);
        int anomalyRows = (int) sum(c, "SELECT count(*) FROM claim_anomalies WHERE config_code = ?", code);

        audit.check("FINISHED".equals(books.status()), "the rain is not finished");
        audit.failures.addAll(books.problems());
        audit.check(books.escrowBalance() == 0, "the escrow is not empty");
        audit.failures.addAll(LedgerAudit.books(c).problems());
        audit.check(burst.doubleWins().isEmpty() || redisMayLose, "one packet was answered WON twice: " + burst.doubleWins());
        audit.everyWinCredited(burst, credited, anomalies, redisMayLose);
        audit.reconciliationAgrees(reconciliation, funded, creditedAmount, refunded, anomalyRows, redisMayLose);
        audit.check(redisMayLose || anomalies.isEmpty(), "the ledger refused claims: " + anomalies);

        long count = credited.size();
        return new Verdict(scenario, burst.wonCount(), count, creditedAmount, refunded, anomalyRows,
            List.copyOf(audit.failures));
    }

    private void everyWinCredited(Burst burst, Map<String, Burst.Won> credited, Set<String> anomalies, boolean redisMayLose) {
        int lost = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, Burst.Won> win : burst.wins().entrySet()) {
            if (win.getValue().equals(credited.get(win.getKey()))) {
                continue;
            }
            boolean reported = anomalies.contains(win.getKey() + "/" + win.getValue().userId());
            if (redisMayLose && reported) {
                continue;
            }
            lost++;
            if (examples.size() < 5) {
                examples.add(win.getKey() + " to " + win.getValue().userId() + " (credited: " + credited.get(win.getKey())
                    + ", reported: " + reported + ")");
            }
        }
        check(lost == 0, lost + " WON answers neither credited to their viewer nor reported, e.g. " + examples);
    }

    private void reconciliationAgrees(JsonObject report, long funded, long credited, long refunded, int anomalies,
                                      boolean redisMayLose) {
        if (report == null) {
            failures.add("no reconciliation report");
            return;
        }
        check(report.getLong("funded") == funded, "reconciliation funded " + report.getLong("funded") + " != ledger " + funded);
        check(report.getLong("credited") == credited, "reconciliation credited " + report.getLong("credited") + " != ledger " + credited);
        check(report.getLong("refunded") == refunded, "reconciliation refunded " + report.getLong("refunded") + " != ledger " + refunded);
        check(report.getLong("inFlight") == 0, "reconciliation still sees " + report.getLong("inFlight") + " in flight");
        JsonArray reported = report.getJsonArray("anomalies");
        long listedClaims = reported.stream().map(JsonObject.class::cast).filter(a -> a.getString("packetId") != null).count();
        // A pop that Redis forgot was counted by nobody, but its claim may have reached the ledger before the loss.
        long forgotten = reported.stream().map(JsonObject.class::cast)
            .filter(a -> "CREDITED_BEYOND_CLAIMS".equals(a.getString("kind"))).count();
        long mismatches = reported.size() - listedClaims;
        long others = mismatches - (redisMayLose ? forgotten : 0);
        long claimAnomalies = report.getLong("anomalyCount") - mismatches;
        check(claimAnomalies == anomalies, "reconciliation counts " + claimAnomalies + " refused claims, the ledger " + anomalies);
        check(listedClaims == Math.min(anomalies, dev.rain.common.ledger.ReadSql.ANOMALY_LIST_LIMIT),
            "reconciliation lists " + listedClaims + " of the ledger's " + anomalies + " refused claims");
        check(redisMayLose || report.getBoolean("balanced"), "reconciliation says unbalanced: " + report.encode());
        check(others == 0, "reconciliation found journal or counter mismatches: " + reported.encode());
    }

    private Map<String, Burst.Won> credits(Connection c, String code) throws SQLException {
        Map<String, Burst.Won> credited = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement(
            "SELECT biz_id, user_id, amount FROM transfers WHERE kind = 'GRAB' AND config_code = ?")) {
            select.setString(1, code);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    credited.put(rs.getString(1), new Burst.Won(rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return credited;
    }

    /** Refused claims as "packetId/userId". */
    private Set<String> anomalies(Connection c, String code) throws SQLException {
        Set<String> refused = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement(
            "SELECT packet_id, user_id FROM claim_anomalies WHERE config_code = ?")) {
            select.setString(1, code);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    refused.add(rs.getString(1) + "/" + rs.getString(2));
                }
            }
        }
        return refused;
    }

    private void check(boolean holds, String failure) {
        if (!holds) {
            failures.add(failure);
        }
    }

    static long sum(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                select.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static String text(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                select.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
