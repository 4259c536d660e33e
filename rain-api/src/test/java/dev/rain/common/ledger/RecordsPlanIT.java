package dev.rain.common.ledger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.ledger.Database;
import dev.rain.common.testing.RealServices;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The records read is a server-side prepared statement (the pool's {@code prepareThreshold=1}), so after a few
 * executions Postgres may run it on its generic plan, made without the parameters' values. That plan must still
 * read a page from the index, starting at the cursor, and not the whole journal: a first version of the query,
 * one join filtered by "batch > ? OR seq > ?", became a parallel sequential scan of {@code transfers}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsPlanIT {

    private static final Pattern PARAMETER = Pattern.compile("\\?");

    private Database database;

    @BeforeAll
    void start() throws SQLException {
        database = Database.connect(RealServices.get().freshDatabase("records-plan"), "records-plan");
        // Two rains of 20,000 settled grabs each, 500 to a batch, with the statistics a real journal would have.
        database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("""
                    INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id,
                                           grab_slot, occurred_at, settle_xact)
                    SELECT r || ':' || i, 'GRAB', 'escrow:' || r, 'wallet:' || r || i, 1, r, r || i, 1, now(),
                           (1000 + i / 500)::text::xid8
                    FROM unnest(ARRAY['plan-a', 'plan-b']) r, generate_series(0, 19999) i""");
                s.execute("""
                    INSERT INTO rain_batches (config_code, batch_no, xact)
                    SELECT r, b + 1, (1000 + b)::text::xid8
                    FROM unnest(ARRAY['plan-a', 'plan-b']) r, generate_series(0, 39) b""");
            }
            return null;
        });
        database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE transfers");
                s.execute("ANALYZE rain_batches");
            }
            return null;
        });
    }

    @AfterAll
    void stop() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    @DisplayName("on Postgres's generic plan a page of records is read from the journal's index after the cursor")
    void genericPlanWalksTheIndex() throws SQLException {
        String plan = database.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
                s.execute("PREPARE records_page(bigint, bigint, integer, text, bigint, integer) AS "
                    + numbered(ReadSql.RECORDS));
                StringBuilder lines = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE records_page(20, 9999, 501, 'plan-a', 20, 501)")) {
                    while (rs.next()) {
                        lines.append(rs.getString(1)).append('\n');
                    }
                }
                s.execute("DEALLOCATE records_page");
                return lines.toString();
            }
        });
        assertFalse(plan.contains("Seq Scan on transfers"), plan);
        assertTrue(Pattern.compile("Index Cond: .*settle_xact = b\\.xact.*seq >").matcher(plan).find(), plan);
    }

    /** JDBC's {@code ?} as PREPARE's {@code $1, $2, ...}, in order. */
    private static String numbered(String sql) {
        Matcher m = PARAMETER.matcher(sql);
        StringBuilder out = new StringBuilder();
        int n = 0;
        while (m.find()) {
            m.appendReplacement(out, "\\$" + ++n);
        }
        m.appendTail(out);
        return out.toString();
    }
}
