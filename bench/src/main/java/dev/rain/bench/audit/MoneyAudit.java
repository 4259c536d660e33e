package dev.rain.bench.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rain.bench.results.ResultsFile;
import dev.rain.common.ledger.LedgerAudit;
import dev.rain.common.ledger.Reconciliation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * After the stages: did the money stay right under all that load? Exits 3 when it did not.
 *
 * <p>Every rain of the run's database that the API served (prepared, grabbed over HTTP at full load, settled by the
 * consumer as it ships) is closed, must be FINISHED within the wait, and the anchor's own reconciliation
 * ({@link Reconciliation}) must call it balanced with nothing in flight; its keys must then be gone from Redis. Then the
 * whole database, the settlement stage's synthetic rains included, is judged by {@link LedgerAudit}: its books and
 * every rain's cap. Each served rain's detail and report go to the audit file; the figures to results.tsv.
 *
 * <p>Usage: {@code MoneyAudit <api-url> <anchor-token-file> <pg-url> <pg-user> <pg-password> <redis-url>
 * <synthetic-rains-file> <audit-file> <results.tsv>}. The synthetic rains' claims were written straight to Kafka, so
 * their counters and journal are not meant to agree and they stay unfinished.
 */
public final class MoneyAudit {

    private static final long WAIT_MILLIS = 300_000;
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RainApi api;
    private final Connection db;
    private final RedisKeys redis;
    private final PrintWriter auditFile;
    private final long deadline = System.currentTimeMillis() + WAIT_MILLIS;

    private MoneyAudit(RainApi api, Connection db, RedisKeys redis, PrintWriter auditFile) {
        this.api = api;
        this.db = db;
        this.redis = redis;
        this.auditFile = auditFile;
    }

    public static void main(String[] args) throws Exception {
        RainApi api = new RainApi(args[0], Files.readString(Path.of(args[1])).trim());
        Set<String> synthetic = new HashSet<>(Files.readAllLines(Path.of(args[6])));
        AuditFigures figures;
        try (Connection db = DriverManager.getConnection(args[2], args[3], args[4]);
             RedisKeys redis = new RedisKeys(args[5]);
             PrintWriter auditFile = new PrintWriter(Files.newBufferedWriter(Path.of(args[7]), StandardCharsets.UTF_8))) {
            figures = new MoneyAudit(api, db, redis, auditFile).run(synthetic);
        }
        figures.record(Path.of(args[8]));
        say(figures.summary());
        figures.problems().forEach(problem -> say("audit: " + problem));
        System.exit(figures.sound() ? 0 : 3);
    }

    private AuditFigures run(Set<String> synthetic) throws SQLException, InterruptedException {
        List<String> rains = AuditSql.rainsByAge(db);
        long audited = 0;
        long unbalanced = 0;
        long keysLeft = 0;
        for (String code : rains) {
            if (synthetic.contains(code)) {
                continue;
            }
            audited++;
            unbalanced += finishedBalanced(code) ? 0 : 1;
            keysLeft += keysLeft(code);
        }
        long overCap = 0;
        for (String code : rains) {
            overCap += LedgerAudit.rain(db, code).viewersOverCap();
        }
        return new AuditFigures(audited, unbalanced, LedgerAudit.books(db), overCap, keysLeft);
    }

    private boolean finishedBalanced(String code) throws InterruptedException {
        api.close(code);
        while (!finished(api.get("/v1/rains/" + code)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
        }
        String detail = api.get("/v1/rains/" + code);
        String report = api.get("/v1/rains/" + code + "/reconciliation");
        auditFile.println(code + " " + detail + " " + report);
        Reconciliation reconciliation = reconciliation(report);
        boolean balanced = finished(detail) && reconciliation != null && reconciliation.balanced()
            && reconciliation.inFlight() == 0;
        if (!balanced) {
            say("audit: rain " + code + " did not finish balanced: "
                + report.substring(0, Math.min(600, report.length())));
        }
        return balanced;
    }

    // The finisher's last step removes the rain's keys from Redis and marks it released: a platform that runs rains
    // all day must not keep each one's packet lists and per-viewer hashes.
    private long keysLeft(String code) throws SQLException, InterruptedException {
        while (!AuditSql.releasedOrNeverPrepared(db, code) && System.currentTimeMillis() < deadline) {
            Thread.sleep(1000);
        }
        long left = redis.count("rain:{" + code + "[:}]*");
        if (left > 0) {
            say("audit: rain " + code + " left " + left + " keys in Redis");
        }
        return left;
    }

    private static boolean finished(String detail) {
        try {
            return "FINISHED".equals(JSON.readTree(detail).path("status").asText());
        } catch (IOException e) {
            return false;
        }
    }

    // Null when the answer is not a report (a problem, or nothing): such a rain is not balanced.
    private static Reconciliation reconciliation(String report) {
        try {
            return JSON.readValue(report, Reconciliation.class);
        } catch (IOException e) {
            return null;
        }
    }

    static void say(String message) {
        System.err.printf("[bench %tT] %s%n", ZonedDateTime.now(ZoneOffset.UTC), message);
    }
}
