package dev.rain.common.ledger.settle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.settlement.testing.Await;
import dev.rain.settlement.testing.LedgerFixture;
import dev.rain.settlement.testing.LedgerFixture.AnomalyRow;
import dev.rain.settlement.testing.LedgerFixture.Rain;
import dev.rain.settlement.testing.LedgerFixture.RainRow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The ledger's rules, batch by batch, against a real Postgres: what is credited, what is refused, and why. */
class SettlementLedgerIT {

    private static LedgerFixture ledger;
    private final SettlementLedger settlement = new SettlementLedger();

    @BeforeAll
    static void createDatabase() {
        ledger = LedgerFixture.create("settlement_ledger");
    }

    @AfterAll
    static void dropPool() {
        ledger.close();
    }

    @AfterEach
    void moneyIsOnlyEverMoved() throws SQLException {
        assertEquals(List.of(), ledger.books().problems(), "sum of all balances vs deposits");
        assertEquals(0, ledger.queryLong("SELECT count(*) FROM accounts WHERE balance < 0"), "negative balances");
    }

    private BatchResult apply(List<Claim> claims) throws SQLException {
        return ledger.database().inTransaction(c -> settlement.apply(c, claims));
    }

    private BatchResult apply(Claim... claims) throws SQLException {
        return apply(List.of(claims));
    }

    @Test
    @DisplayName("a batch of grabs credits each viewer once, debits the escrow by the sum and counts them on the rain")
    void batchOfGrabs() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 2);
        BatchResult result = apply(rain.grab(0, "ann", 100, 1), rain.grab(1, "bob", 250, 1),
            rain.grab(2, "ann", 50, 2), rain.grab(3, "cid", 250, 1));

        assertEquals(new BatchResult(4, 0, 0, List.of()), result);
        assertEquals(150, ledger.wallet("ann"));
        assertEquals(250, ledger.wallet("bob"));
        assertEquals(250, ledger.wallet("cid"));
        assertEquals(1_000 - 650, ledger.escrow(rain));
        RainRow row = ledger.rainRow(rain);
        assertEquals(4, row.settledCount());
        assertEquals(650, row.settledAmount());
        assertEquals(0, row.rejectedCount());
    }

    @Test
    @DisplayName("each journal row names the claim's escrow and wallet accounts, kind, slot and time")
    void journalRows() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 2);
        Claim grab = rain.grab(4, "dee", 120, 2);
        apply(grab);

        assertEquals(1, ledger.queryLong("""
            SELECT count(*) FROM transfers WHERE biz_id = ? AND kind = 'GRAB' AND debit_account = ?
              AND credit_account = ? AND amount = 120 AND config_code = ? AND user_id = 'dee' AND grab_slot = 2
              AND occurred_at = ?::timestamptz""", grab.bizId(), grab.escrowAccount(), grab.creditAccount(),
            rain.configCode(), grab.occurredAt().toString()));
        Claim refund = rain.refund(1_000 - 120, LedgerFixture.T0);
        apply(refund);
        assertEquals(1, ledger.queryLong("""
            SELECT count(*) FROM transfers WHERE biz_id = ? AND kind = 'REFUND' AND debit_account = ?
              AND credit_account = ? AND user_id = ? AND grab_slot IS NULL""", refund.bizId(),
            refund.escrowAccount(), refund.creditAccount(), rain.anchorId()));
    }

    @Test
    @DisplayName("each claim's time is journaled to the exact microsecond, before 1970 and far after it, and its "
        + "redelivery is a duplicate")
    void occurredAtExact() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        List<Instant> times = List.of(Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("1901-03-04T05:06:07.000001Z"), Instant.parse("2026-11-23T05:00:00.123457Z"),
            Instant.parse("2026-11-23T05:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999Z"),
            Instant.parse("2286-11-20T17:46:39.999999Z"), Instant.parse("+200000-06-15T12:34:56.789012Z"));
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            claims.add(new Claim(rain.grabEvent(i, "t" + i, 10, times.get(i)), times.get(i), 1));
        }
        assertEquals(new BatchResult(times.size(), 0, 0, List.of()), apply(claims));

        for (Claim claim : claims) {
            long micros = claim.occurredAt().getEpochSecond() * 1_000_000L + claim.occurredAt().getNano() / 1_000;
            assertEquals(1, ledger.queryLong("""
                SELECT count(*) FROM transfers WHERE biz_id = ? AND extract(epoch FROM occurred_at) * 1000000 = ?""",
                claim.bizId(), micros), claim.occurredAt().toString());
        }
        assertEquals(new BatchResult(0, 0, times.size(), List.of()), apply(claims), "the same claims again");
    }

    @Test
    @DisplayName("best luck is the highest amount, and a tie goes to the earliest grab, across batches")
    void bestLuck() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(3, "late", 300, 1), rain.grab(1, "small", 100, 1));
        RainRow first = ledger.rainRow(rain);
        assertEquals("late", first.bestLuckUser());
        assertEquals(300L, first.bestLuckAmount());

        apply(rain.grab(2, "early", 300, 1));
        RainRow second = ledger.rainRow(rain);
        assertEquals("early", second.bestLuckUser(), "same amount, earlier grab");
        assertEquals(rain.packet(2), second.bestLuckPacket());
    }

    @Test
    @DisplayName("the same batch applied again changes nothing and reports every message as a duplicate")
    void redelivery() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        List<Claim> batch = List.of(rain.grab(0, "dan", 100, 1), rain.grab(1, "eve", 200, 1));
        apply(batch);
        String before = ledger.fingerprint();

        assertEquals(new BatchResult(0, 0, 2, List.of()), apply(batch));
        assertEquals(before, ledger.fingerprint());
    }

    @Test
    @DisplayName("a message repeated inside one batch is credited once")
    void repeatedInsideBatch() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        Claim grab = rain.grab(0, "fay", 100, 1);
        assertEquals(new BatchResult(1, 0, 1, List.of()), apply(grab, grab));
        assertEquals(100, ledger.wallet("fay"));
        assertEquals(1, ledger.rainRow(rain).settledCount());
    }

    @Test
    @DisplayName("a packet already credited, claimed by a second viewer, is not credited again but reported")
    void packetClaimedTwice() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(4, "gus", 100, 1));

        BatchResult result = apply(rain.grab(4, "hal", 100, 1));

        assertEquals(0, result.credited());
        assertEquals(0, ledger.wallet("hal"));
        assertEquals(List.of(new AnomalyRow(rain.packet(4), "hal", 100, "PACKET_ALREADY_CREDITED")),
            ledger.anomalies(rain.configCode()));
        RainRow row = ledger.rainRow(rain);
        assertEquals(1, row.settledCount());
        assertEquals(0, row.rejectedCount(), "the packet itself was credited, to gus");
    }

    @Test
    @DisplayName("a packet claimed by two viewers in one batch goes to the first; the second is reported")
    void packetClaimedTwiceInOneBatch() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(5, "ida", 100, 1), rain.grab(5, "jon", 100, 1));
        assertEquals(100, ledger.wallet("ida"));
        assertEquals(0, ledger.wallet("jon"));
        assertEquals(List.of(new AnomalyRow(rain.packet(5), "jon", 100, "PACKET_ALREADY_CREDITED")),
            ledger.anomalies(rain.configCode()));
    }

    @Test
    @DisplayName("a viewer whose slot is already taken gets OVER_USER_LIMIT, and the rest of the batch is applied")
    void slotAlreadyTaken() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(0, "kim", 100, 1));

        // Redis forgot kim's first grab and gave her another packet in the same slot.
        BatchResult result = apply(rain.grab(1, "lea", 100, 1), rain.grab(2, "kim", 200, 1),
            rain.grab(3, "max", 300, 1));

        assertEquals(2, result.credited());
        assertEquals(100, ledger.wallet("kim"));
        assertEquals(100, ledger.wallet("lea"));
        assertEquals(300, ledger.wallet("max"));
        assertEquals(List.of(new AnomalyRow(rain.packet(2), "kim", 200, "OVER_USER_LIMIT")),
            ledger.anomalies(rain.configCode()));
        RainRow row = ledger.rainRow(rain);
        assertEquals(3, row.settledCount());
        assertEquals(1, row.rejectedCount());
        assertEquals(1_000 - 500, ledger.escrow(rain));
    }

    @Test
    @DisplayName("a grab without a slot, or beyond maxGrabsPerUser, is refused as OVER_USER_LIMIT")
    void slotOutOfRange() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 2);
        apply(rain.grab(0, "ned", 100, Claim.NO_SLOT), rain.grab(1, "ned", 100, 3), rain.grab(2, "ned", 100, 2));
        assertEquals(100, ledger.wallet("ned"));
        assertEquals(List.of("OVER_USER_LIMIT", "OVER_USER_LIMIT"),
            ledger.anomalies(rain.configCode()).stream().map(AnomalyRow::reason).toList());
        assertEquals(2, ledger.rainRow(rain).rejectedCount());
    }

    @Test
    @DisplayName("a batch that credits a rain takes the rain's next batch number for its journal rows; "
        + "a batch that only refuses takes none")
    void batchesNumberedPerRain() throws SQLException {
        Rain a = ledger.runningRain(1_000, 10, 1);
        Rain b = ledger.runningRain(1_000, 10, 1);
        apply(a.grab(0, "numbered-1", 100, 1), b.grab(0, "numbered-2", 100, 1));
        apply(a.grab(1, "numbered-1", 100, 1));
        apply(a.grab(2, "numbered-3", 100, 1), a.grab(3, "numbered-3", 100, 1));
        assertEquals(List.of("1 " + a.packet(0), "2 " + a.packet(2)), numbered(a));
        assertEquals(List.of("1 " + b.packet(0)), numbered(b));
        assertEquals(2, ledger.queryLong("SELECT settle_batches FROM rains WHERE config_code = ?", a.configCode()));
        assertEquals(2, ledger.queryLong("SELECT count(*) FROM rain_batches WHERE config_code = ?", a.configCode()));
        assertEquals(2, ledger.rainRow(a).rejectedCount());
    }

    /** The rain's journal rows of grabs by the number of the batch that wrote them: "batch packet". */
    private List<String> numbered(Rain rain) throws SQLException {
        return ledger.database().inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("""
                SELECT b.batch_no, t.biz_id FROM rain_batches b
                JOIN transfers t ON t.config_code = b.config_code AND t.kind = 'GRAB' AND t.settle_xact = b.xact
                WHERE b.config_code = ? ORDER BY b.batch_no, t.seq""")) {
                select.setString(1, rain.configCode());
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getLong(1) + " " + rs.getString(2));
                    }
                }
                return rows;
            }
        });
    }

    @Test
    @DisplayName("grabs beyond the escrow are refused as ESCROW_EXHAUSTED; the escrow ends at exactly 0")
    void escrowExhausted() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 4, 1);
        BatchResult result = apply(rain.grab(0, "ola", 400, 1), rain.grab(1, "pia", 400, 1),
            rain.grab(2, "quy", 400, 1), rain.grab(3, "rex", 200, 1));

        assertEquals(3, result.credited());
        assertEquals(0, ledger.escrow(rain));
        assertEquals(0, ledger.wallet("quy"));
        assertEquals(200, ledger.wallet("rex"));
        assertEquals(List.of(new AnomalyRow(rain.packet(2), "quy", 400, "ESCROW_EXHAUSTED")),
            ledger.anomalies(rain.configCode()));
        RainRow row = ledger.rainRow(rain);
        assertEquals(1_000, row.settledAmount());
        assertEquals(1, row.rejectedCount());
    }

    @Test
    @DisplayName("a refused claim redelivered is recorded and counted as rejected only once")
    void refusalRedelivered() throws SQLException {
        Rain rain = ledger.runningRain(100, 2, 1);
        List<Claim> batch = List.of(rain.grab(0, "sam", 100, 1), rain.grab(1, "tom", 50, 1));
        apply(batch);
        String before = ledger.fingerprint();

        BatchResult again = apply(batch);

        assertEquals(List.of(), again.newAnomalies());
        assertEquals(before, ledger.fingerprint());
        assertEquals(1, ledger.rainRow(rain).rejectedCount());
    }

    @Test
    @DisplayName("a grab for a finished rain is refused as RAIN_FINISHED and credits nothing")
    void finishedRain() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        ledger.finishLikeTheApi(rain);

        BatchResult result = apply(rain.grab(0, "uma", 100, 1));

        assertEquals(0, result.credited());
        assertEquals(0, ledger.wallet("uma"));
        assertEquals(List.of(new AnomalyRow(rain.packet(0), "uma", 100, "RAIN_FINISHED")),
            ledger.anomalies(rain.configCode()));
    }

    @Test
    @DisplayName("a grab settled before its rain finished and redelivered after is a duplicate, not an anomaly")
    void settledGrabRedeliveredAfterFinish() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        Claim grab = rain.grab(0, "vic", 100, 1);
        apply(grab);
        ledger.finishLikeTheApi(rain);
        String before = ledger.fingerprint();

        assertEquals(new BatchResult(0, 0, 1, List.of()), apply(grab));
        assertEquals(before, ledger.fingerprint());
    }

    @Test
    @DisplayName("a claim for a rain the ledger does not know is reported as UNKNOWN_RAIN")
    void unknownRain() throws SQLException {
        Rain ghost = new Rain(dev.rain.common.id.Ids.newConfigCode(), "anchor-x", "room-1");
        BatchResult result = apply(ghost.grab(0, "wes", 100, 1));
        assertEquals(0, result.credited());
        assertEquals(List.of(new AnomalyRow(ghost.packet(0), "wes", 100, "UNKNOWN_RAIN")),
            ledger.anomalies(ghost.configCode()));
        assertEquals(0, ledger.wallet("wes"));
    }

    @Test
    @DisplayName("the refund the API already applied is a duplicate when its message arrives")
    void refundAlreadyApplied() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(0, "xia", 100, 1));
        long refunded = ledger.finishLikeTheApi(rain);
        String before = ledger.fingerprint();

        assertEquals(new BatchResult(0, 0, 1, List.of()), apply(rain.refund(refunded, LedgerFixture.T0)));
        assertEquals(before, ledger.fingerprint());
    }

    @Test
    @DisplayName("a refund missing from the journal (a rebuilt ledger) moves the escrow's rest and finishes the rain")
    void refundRebuilt() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        apply(rain.grab(0, "yan", 300, 1), rain.refund(700, LedgerFixture.T0.plusSeconds(30)));

        assertEquals(0, ledger.escrow(rain));
        assertEquals(700, ledger.wallet(rain.anchorId()));
        RainRow row = ledger.rainRow(rain);
        assertEquals("FINISHED", row.status());
        assertEquals(700, row.refundedAmount());
        assertEquals(300, row.settledAmount());
    }

    @Test
    @DisplayName("a refund larger than the escrow is refused as an error, not applied")
    void refundBeyondEscrow() throws SQLException {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        String before = ledger.fingerprint();
        assertThrows(SQLException.class, () -> apply(rain.refund(1_001, LedgerFixture.T0)));
        assertEquals(before, ledger.fingerprint());
    }

    @Test
    @DisplayName("two consumers settling overlapping batches of two rains at once credit every packet exactly once")
    void concurrentConsumers() throws Exception {
        Rain a = ledger.runningRain(100_000, 1_000, 1);
        Rain b = ledger.runningRain(100_000, 1_000, 1);
        List<Claim> forward = new ArrayList<>();
        List<Claim> backward = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            forward.add(a.grab(i, "cc-a-" + i, 7, 1));
            forward.add(b.grab(i, "cc-b-" + i, 11, 1));
        }
        for (int i = forward.size() - 1; i >= 0; i--) {
            backward.add(forward.get(i));
        }
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<BatchResult>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                results.add(two.submit(() -> apply(forward)));
                results.add(two.submit(() -> apply(backward)));
            }
            int credited = 0;
            for (Future<BatchResult> result : results) {
                credited += result.get().credited();
            }
            assertEquals(1_000, credited);
        } finally {
            two.shutdownNow();
        }
        assertEquals(500, ledger.rainRow(a).settledCount());
        assertEquals(500 * 11, ledger.rainRow(b).settledAmount());
        assertEquals(100_000 - 500 * 7, ledger.escrow(a));
        assertTrue(ledger.anomalies(a.configCode()).isEmpty());
    }

    @Test
    @DisplayName("a batch writes its journal rows while another transaction holds its rain: writers of one rain "
        + "insert at once and queue only for the money")
    void insertsBeforeWaitingForTheRain() throws Exception {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        List<Claim> batch = List.of(rain.grab(0, "waiter-a", 100, 1), rain.grab(1, "waiter-b", 200, 1));
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            List<Future<BatchResult>> settling = new ArrayList<>();
            ledger.database().inTransaction(holder -> {
                try (Statement lock = holder.createStatement()) {
                    lock.execute("SELECT 1 FROM rains WHERE config_code = '" + rain.configCode() + "' FOR UPDATE");
                }
                settling.add(one.submit(() -> apply(batch)));
                try {
                    Await.until(Duration.ofSeconds(20), "transactions waiting for a lock with journal rows written",
                        this::waitingWithJournalRows, 1L);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            assertEquals(2, settling.get(0).get(30, TimeUnit.SECONDS).credited());
        } finally {
            one.shutdownNow();
        }
        assertEquals(200, ledger.wallet("waiter-b"));
        assertEquals(700, ledger.escrow(rain));
    }

    @Test
    @DisplayName("a batch that wrote its rows and then waited while the API finished the rain is refused "
        + "RAIN_FINISHED, and the refund holds all the escrow")
    void finishedWhileWaitingForTheRain() throws Exception {
        Rain rain = ledger.runningRain(1_000, 10, 1);
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            List<Future<BatchResult>> settling = new ArrayList<>();
            long refunded = ledger.finishLikeTheApi(rain, () -> {
                settling.add(one.submit(() -> apply(rain.grab(0, "waiter-c", 100, 1))));
                Await.until(Duration.ofSeconds(20), "transactions waiting for a lock with journal rows written",
                    this::waitingWithJournalRows, 1L);
            });
            assertEquals(0, settling.get(0).get(30, TimeUnit.SECONDS).credited());
            assertEquals(1_000, refunded);
        } finally {
            one.shutdownNow();
        }
        assertEquals(0, ledger.wallet("waiter-c"));
        assertEquals(0, ledger.grabTransfers(rain));
        assertEquals(List.of(new AnomalyRow(rain.packet(0), "waiter-c", 100, "RAIN_FINISHED")),
            ledger.anomalies(rain.configCode()));
        assertEquals(1, ledger.rainRow(rain).rejectedCount());
    }

    /** Backends of this database that wait for a lock while they hold rows they inserted into the journal. */
    private long waitingWithJournalRows() throws SQLException {
        return ledger.queryLong("""
            SELECT count(DISTINCT w.pid) FROM pg_locks w
            WHERE NOT w.granted AND EXISTS (
                SELECT 1 FROM pg_locks t
                WHERE t.pid = w.pid AND t.granted AND t.mode = 'RowExclusiveLock'
                  AND t.relation = 'transfers'::regclass
                  AND t.database = (SELECT oid FROM pg_database WHERE datname = current_database()))""");
    }

    @Test
    @DisplayName("every identifier column compares byte by byte: no index step of a batch goes through the locale")
    void identifiersCompareBytewise() throws SQLException {
        List<String> localeCollated = ledger.database().inTransaction(c -> {
            List<String> columns = new ArrayList<>();
            try (Statement statement = c.createStatement();
                 ResultSet rs = statement.executeQuery("""
                     SELECT table_name || '.' || column_name FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name <> 'flyway_schema_history'
                       AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'
                     ORDER BY 1""")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            return columns;
        });
        assertEquals(List.of("claim_anomalies.detail"), localeCollated);
    }

    @Test
    @DisplayName("an empty batch touches nothing")
    void emptyBatch() throws SQLException {
        assertEquals(new BatchResult(0, 0, 0, List.of()), apply(List.of()));
        assertNull(null);
    }
}
