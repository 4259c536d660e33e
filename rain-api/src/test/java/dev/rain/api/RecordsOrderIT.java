package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.settle.BatchResult;
import dev.rain.common.ledger.settle.Claim;
import dev.rain.common.ledger.settle.SettlementLedger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The records of a rain, paged while two settlement transactions of it commit out of their journal's seq order.
 * A batch inserts its rows before it locks its rains, so the batch that inserted first can commit last; a reader
 * that paged by seq had already passed its rows and never saw them (V3's migration). Real ledger code, on the
 * real Postgres, read through the real API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordsOrderIT {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z").truncatedTo(ChronoUnit.MICROS);

    private final AtomicInteger viewers = new AtomicInteger();
    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("records");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("a batch that inserted its rows first but committed last is still paged after the cursor")
    void lateCommitIsPagedAfterTheCursor() throws Exception {
        // The ledger locks a batch's rains in code order: a batch of both rains waits on the first while
        // a batch of the second alone goes past it.
        List<String> codes = new ArrayList<>(List.of(runningRain("records-a"), runningRain("records-b")));
        codes.sort(null);
        String first = codes.get(0);
        String hot = codes.get(1);
        List<Claim> early = List.of(grab(first, 0), grab(hot, 0), grab(hot, 1));
        List<Claim> late = List.of(grab(hot, 2), grab(hot, 3));
        SettlementLedger ledger = new SettlementLedger();
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            List<Future<BatchResult>> earlyResult = new ArrayList<>();
            List<String> pagedWhileWaiting = new ArrayList<>();
            String[] cursor = new String[1];
            system.ledger().inTransaction(holder -> {
                try (Statement lock = holder.createStatement()) {
                    lock.execute("SELECT 1 FROM rains WHERE config_code = '" + first + "' FOR UPDATE");
                }
                earlyResult.add(one.submit(() -> system.ledger().inTransaction(c -> ledger.apply(c, early))));
                try {
                    awaitWaitingWithJournalRows();
                    assertEquals(2, system.ledger().inTransaction(c -> ledger.apply(c, late)).credited());
                    JsonObject page = records(hot, "?limit=1");
                    pagedWhileWaiting.addAll(packetIds(page));
                    cursor[0] = page.getString("next");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            assertEquals(3, earlyResult.get(0).get(30, TimeUnit.SECONDS).credited());
            assertEquals(List.of(packet(hot, 2)), pagedWhileWaiting, "the first page: the batch that committed");
            JsonObject rest = records(hot, "?limit=10&after=" + cursor[0]);
            assertEquals(List.of(packet(hot, 3), packet(hot, 0), packet(hot, 1)), packetIds(rest),
                "after the cursor: the rest of the committed batch, then the batch that committed after it");
            assertNull(rest.getString("next"));
        } finally {
            one.shutdownNow();
        }
        assertEquals(4,
            system.queryLong("SELECT count(*) FROM transfers WHERE config_code = ? AND kind = 'GRAB'", hot));
    }

    @Test
    @DisplayName("paging a rain one record at a time visits every credited packet once, in settlement order")
    void pagesVisitEveryRecordOnce() throws Exception {
        String code = runningRain("records-c");
        SettlementLedger ledger = new SettlementLedger();
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            List<Claim> claims = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                claims.add(grab(code, batch * 3 + i));
            }
            system.ledger().inTransaction(c -> ledger.apply(c, claims));
            // A batch's rows go into the journal in bizId order ("code:10" before "code:9").
            claims.stream().map(Claim::bizId).sorted().forEach(expected::add);
        }
        List<String> seen = new ArrayList<>();
        String next = null;
        do {
            JsonObject page = records(code, "?limit=5" + (next == null ? "" : "&after=" + next));
            seen.addAll(packetIds(page));
            next = page.getString("next");
        } while (next != null);
        assertEquals(expected, seen);
    }

    private JsonObject records(String code, String query) {
        ApiClient.Answer answer = system.client.get("/v1/rains/" + code + "/records" + query,
            system.token("records-reader", "viewer"));
        assertEquals(200, answer.status(), answer.raw());
        return answer.body();
    }

    private static List<String> packetIds(JsonObject page) {
        JsonArray records = page.getJsonArray("records");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ids.add(records.getJsonObject(i).getString("packetId"));
        }
        return ids;
    }

    /** A rain of 100 packets of 10, started: its escrow funded, its ledger row RUNNING. */
    private String runningRain(String room) {
        return system.runningRain("records-anchor-" + room, new JsonObject().put("roomId", room)
            .put("totalAmount", 1_000).put("totalCount", 100).put("mode", "EQUAL").put("maxGrabsPerUser", 1)
            .put("countdownSeconds", 0).put("durationSeconds", 600));
    }

    /** A claim as the settlement reads it off the topic: packet {@code index} of the rain, to a new viewer. */
    private Claim grab(String code, int index) {
        Instant at = T0.plusMillis(index);
        String viewer = "records-viewer-" + viewers.incrementAndGet();
        return new Claim(SettlementEvent.grab(packet(code, index), code, "room", "anchor", viewer, 10, at.toString()),
            at, 1);
    }

    private static String packet(String code, int index) {
        return Ids.packetId(code, index);
    }

    /** Until a backend waits for a lock while holding rows it inserted into the journal. */
    private void awaitWaitingWithJournalRows() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (system.queryLong("""
            SELECT count(DISTINCT w.pid) FROM pg_locks w
            WHERE NOT w.granted AND EXISTS (
                SELECT 1 FROM pg_locks t
                WHERE t.pid = w.pid AND t.granted AND t.mode = 'RowExclusiveLock'
                  AND t.relation = 'transfers'::regclass
                  AND t.database = (SELECT oid FROM pg_database WHERE datname = current_database()))""") < 1) {
            assertTrue(System.nanoTime() < deadline, "no settlement transaction waited with journal rows written");
            Thread.sleep(20);
        }
    }
}
