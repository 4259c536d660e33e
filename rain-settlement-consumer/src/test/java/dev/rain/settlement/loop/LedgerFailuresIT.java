package dev.rain.settlement.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.kafka.DeadLetters;
import dev.rain.common.ledger.settle.Claim;
import dev.rain.common.ledger.settle.LedgerWriter;
import dev.rain.common.ledger.settle.SettlementLedger;
import dev.rain.settlement.testing.Await;
import dev.rain.settlement.testing.FlakyLedger;
import dev.rain.settlement.testing.KafkaFixture;
import dev.rain.settlement.testing.LedgerFixture;
import dev.rain.settlement.testing.LedgerFixture.Rain;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The loop when the ledger fails: offsets wait for the database, retries are harmless, bad records are set aside. */
class LedgerFailuresIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LedgerFixture ledger;
    private static KafkaFixture kafka;
    private final List<SettlementLoop> loops = new ArrayList<>();
    private final FlakyLedger flaky = new FlakyLedger(LedgerWriter.of(ledger.database(), new SettlementLedger()));

    @BeforeAll
    static void createDatabaseAndClients() {
        ledger = LedgerFixture.create("settlement_failures");
        kafka = new KafkaFixture();
    }

    @AfterAll
    static void closeClients() {
        kafka.close();
        ledger.close();
    }

    @AfterEach
    void stopLoopsAndCheckMoney() throws SQLException {
        loops.forEach(SettlementLoop::close);
        assertEquals(List.of(), ledger.books().problems(), "sum of all balances vs deposits");
    }

    private SettlementLoop start(ConsumerConfig config) {
        SettlementLoop loop = new SettlementLoop(config, flaky);
        loops.add(loop);
        return loop.start();
    }

    private static List<Claim> grabs(Rain rain, int count) {
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            claims.add(rain.grab(i, "v-" + rain.configCode().substring(0, 6) + "-" + i, 10 + i, 1));
        }
        return claims;
    }

    private static void assertCreditedOnce(List<Claim> claims) throws SQLException {
        for (Claim claim : claims) {
            assertEquals(claim.amount(), ledger.wallet(claim.userId()), claim.userId());
        }
    }

    @Test
    @DisplayName("while the database is unreachable nothing is committed; once it is back every record is applied once")
    void offsetsWaitForTheDatabase() throws Exception {
        String topic = kafka.newTopics("outage");
        Rain rain = ledger.runningRain(100_000, 100, 1);
        List<Claim> claims = grabs(rain, 30);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 100);
        flaky.unreachable(true);

        SettlementLoop loop = start(config);
        Await.until(WAIT, "a first attempt against the unreachable database", () -> flaky.calls() >= 1, true);

        assertEquals(0, kafka.committedTotal(config.group()), "offsets committed while the database was down");
        Await.until(WAIT, "retries against the unreachable database", () -> flaky.calls() >= 3, true);
        assertEquals(0, kafka.committedTotal(config.group()), "offsets committed while the database was down");
        assertEquals(0, ledger.grabTransfers(rain));
        flaky.unreachable(false);
        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        assertCreditedOnce(claims);
        assertEquals(claims.size(), ledger.rainRow(rain).settledCount());
        assertEquals(0, loop.metrics().deadLettered(), "an outage is nobody's poison");
        assertTrue(loop.metrics().transientFailures() >= 2, "transient failures: " + loop.metrics().transientFailures());
    }

    @Test
    @DisplayName("when a batch fails, the records polled after it are read again, even from partitions it did not "
        + "touch: every record is applied once")
    void recordsPolledAheadAreReadAgain() throws Exception {
        String topic = kafka.newTopics("ahead");
        Rain rain = ledger.runningRain(100_000, 100, 1);
        List<Claim> claims = grabs(rain, 24);
        List<RecordMetadata> landed = kafka.publishAll(topic, claims);
        // One record a batch, and a transient failure at the last record of each partition: the poll decoded
        // ahead of that batch then holds the first record of another partition, which must not be skipped.
        Map<Integer, Integer> lastOfPartition = new HashMap<>();
        for (int i = 0; i < claims.size(); i++) {
            lastOfPartition.merge(landed.get(i).partition(), i,
                (a, b) -> landed.get(a).offset() > landed.get(b).offset() ? a : b);
        }
        flaky.failOnceEach(lastOfPartition.values().stream().map(i -> claims.get(i).bizId()).toList());
        ConsumerConfig config = kafka.config(topic, ledger, 1);

        SettlementLoop loop = start(config);
        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        assertCreditedOnce(claims);
        assertEquals(claims.size(), ledger.rainRow(rain).settledCount());
        assertEquals(claims.size(), ledger.grabTransfers(rain));
        assertTrue(loop.metrics().transientFailures() >= 1, "transient failures: " + loop.metrics().transientFailures());
    }

    @Test
    @DisplayName("while a batch's transaction is open, the batch before it is committed and its own offsets are not")
    void offsetsWaitForTheirOwnTransaction() throws Exception {
        String topic = kafka.newTopics("in-flight");
        Rain rain = ledger.runningRain(100_000, 100, 1);
        List<Claim> claims = grabs(rain, 40);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 10);
        flaky.holdCall(2);

        start(config);
        flaky.awaitHeld(WAIT);
        long first = flaky.claimsOfCall(1).size();
        Await.until(WAIT, "the first batch's offsets", () -> kafka.committedTotal(config.group()), first);
        // The loop goes on polling and committing while the second transaction is held open: give it the time to
        // commit too much, if it would.
        Thread.sleep(1_000);
        assertEquals(first, kafka.committedTotal(config.group()), "offsets committed with their transaction open");
        assertEquals(first, ledger.grabTransfers(rain));

        flaky.release();
        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        assertCreditedOnce(claims);
        assertEquals(claims.size(), ledger.grabTransfers(rain));
    }

    @Test
    @DisplayName("a second consumer joining while batches are in flight, some of them failing, leaves every record "
        + "applied once and every offset committed")
    void rebalanceWithBatchesInFlight() throws Exception {
        String topic = kafka.newTopics("rebalance");
        Rain rain = ledger.runningRain(1_000_000, 1_000, 1);
        List<Claim> claims = grabs(rain, 300);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 5);
        // Slow transactions keep a batch in flight through most polls, so the rebalance's revocations meet one;
        // every seventh claim's first batch fails as an outage would.
        flaky.slowEachCall(Duration.ofMillis(60));
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < claims.size(); i += 7) {
            failing.add(claims.get(i).bizId());
        }
        flaky.failOnceEach(failing);
        flaky.holdCall(2);

        SettlementLoop first = start(config);
        flaky.awaitHeld(WAIT);
        SettlementLoop second = start(config);
        // The group now waits for the first consumer, held in its second transaction; once let go, it rejoins in
        // one of the polls it makes with its next batches in flight.
        Await.until(WAIT, "the second consumer asking to join", () -> kafka.groupState(config.group()),
            "PREPARING_REBALANCE");
        flaky.release();

        Await.until(Duration.ofSeconds(90), "committed offsets", () -> kafka.committedTotal(config.group()),
            (long) claims.size());
        assertCreditedOnce(claims);
        assertEquals(claims.size(), ledger.grabTransfers(rain));
        assertEquals(claims.size(), ledger.rainRow(rain).settledCount());
        assertEquals(List.of(), ledger.anomalies(rain.configCode()));
        assertTrue(first.metrics().transientFailures() + second.metrics().transientFailures() >= 1,
            "the failing batches were retried");
        assertTrue(second.metrics().applied() + second.metrics().duplicates() > 0, "the second consumer took part");
    }

    @Test
    @DisplayName("a batch whose commit acknowledgement was lost is applied again as duplicates, crediting nobody twice")
    void lostCommitAcknowledgement() throws Exception {
        String topic = kafka.newTopics("lost-ack");
        Rain rain = ledger.runningRain(100_000, 100, 1);
        List<Claim> claims = grabs(rain, 30);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 100);
        flaky.loseAcknowledgements(1);

        SettlementLoop loop = start(config);

        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        assertCreditedOnce(claims);
        assertEquals(claims.size(), ledger.rainRow(rain).settledCount());
        assertEquals(1, loop.metrics().transientFailures());
        // The batch whose answer was lost is only seen, on the retry, as already applied.
        assertTrue(loop.metrics().duplicates() > 0, "the retried batch was found already applied");
        assertEquals(claims.size(), loop.metrics().applied() + loop.metrics().duplicates());
    }

    @Test
    @DisplayName("a record that fails every time is tried alone maxTries times, then dead-lettered; the rest is applied")
    void deterministicFailureGoesToDeadLetters() throws Exception {
        String topic = kafka.newTopics("failing");
        Rain rain = ledger.runningRain(100_000, 100, 1);
        List<Claim> claims = grabs(rain, 10);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 100);
        Claim failing = claims.get(5);
        flaky.failAlways(failing.bizId());

        SettlementLoop loop = start(config);

        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        assertEquals(config.maxTries(), flaky.triesAlone());
        assertEquals(0, ledger.wallet(failing.userId()));
        List<Claim> others = new ArrayList<>(claims);
        others.remove(failing);
        assertCreditedOnce(others);
        assertEquals(1, loop.metrics().deadLettered());
        List<ConsumerRecord<String, byte[]>> letters = kafka.readAll(config.deadLetterTopic(), 1, WAIT);
        assertEquals(1, letters.size());
        assertEquals(failing.userId(), letters.get(0).key());
        assertEquals(IllegalStateException.class.getName(), new String(
            letters.get(0).headers().lastHeader(DeadLetters.ERROR_CLASS).value(), StandardCharsets.UTF_8));
    }
}
