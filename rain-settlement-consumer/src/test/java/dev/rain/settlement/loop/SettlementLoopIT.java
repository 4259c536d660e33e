package dev.rain.settlement.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.decode.PoisonRecordException;
import dev.rain.settlement.kafka.DeadLetters;
import dev.rain.common.ledger.settle.Claim;
import dev.rain.common.ledger.settle.LedgerWriter;
import dev.rain.common.ledger.settle.SettlementLedger;
import dev.rain.settlement.testing.Await;
import dev.rain.settlement.testing.KafkaFixture;
import dev.rain.settlement.testing.LedgerFixture;
import dev.rain.settlement.testing.LedgerFixture.Rain;
import dev.rain.settlement.testing.LedgerFixture.RainRow;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The poll loop against the real broker and database: what gets applied, committed and dead-lettered. */
class SettlementLoopIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LedgerFixture ledger;
    private static KafkaFixture kafka;
    private final List<SettlementLoop> loops = new ArrayList<>();

    @BeforeAll
    static void createDatabaseAndClients() {
        ledger = LedgerFixture.create("settlement_loop");
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
        SettlementLoop loop = new SettlementLoop(config, LedgerWriter.of(ledger.database(), new SettlementLedger()));
        loops.add(loop);
        return loop.start();
    }

    /** {@code viewers} viewers grab {@code perViewer} packets each, amounts 1, 2, 3... */
    private static List<Claim> grabs(Rain rain, int viewers, int perViewer) {
        List<Claim> claims = new ArrayList<>();
        for (int slot = 1; slot <= perViewer; slot++) {
            for (int v = 0; v < viewers; v++) {
                int index = claims.size();
                claims.add(rain.grab(index, "viewer-" + rain.configCode().substring(0, 6) + "-" + v, index + 1, slot));
            }
        }
        return claims;
    }

    private static long sumOfAmounts(List<Claim> claims) {
        return claims.stream().mapToLong(Claim::amount).sum();
    }

    @Test
    @DisplayName("grabs published to the topic credit each viewer, debit the escrow, and move the rain's counters")
    void grabsAreSettled() throws Exception {
        String topic = kafka.newTopics("settled");
        Rain rain = ledger.runningRain(1_000_000, 1_000, 2);
        List<Claim> claims = grabs(rain, 100, 2);
        kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 50);

        SettlementLoop loop = start(config);

        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), (long) claims.size());
        RainRow row = ledger.rainRow(rain);
        assertEquals(200, row.settledCount());
        assertEquals(sumOfAmounts(claims), row.settledAmount());
        assertEquals(1_000_000 - sumOfAmounts(claims), ledger.escrow(rain));
        Claim best = claims.get(claims.size() - 1);
        assertEquals(best.userId(), row.bestLuckUser());
        assertEquals(best.amount(), row.bestLuckAmount());
        String viewer = claims.get(0).userId();
        assertEquals(claims.get(0).amount() + claims.get(100).amount(), ledger.wallet(viewer));
        assertEquals(200, loop.metrics().applied());
    }

    @Test
    @DisplayName("the whole topic redelivered from offset 0 to a second group changes no balance, transfer or counter")
    void redeliveryFromOffsetZero() throws Exception {
        String topic = kafka.newTopics("replay");
        Rain rain = ledger.runningRain(100_000, 1_000, 1);
        List<Claim> claims = grabs(rain, 150, 1);
        kafka.publishAll(topic, claims);
        ConsumerConfig first = kafka.config(topic, ledger, 40);
        start(first);
        Await.until(WAIT, "first group's offsets", () -> kafka.committedTotal(first.group()), (long) claims.size());
        String before = ledger.fingerprint();

        ConsumerConfig second = kafka.config(topic, ledger, 40);
        SettlementLoop replay = start(second);

        Await.until(WAIT, "second group's offsets", () -> kafka.committedTotal(second.group()), (long) claims.size());
        assertEquals(before, ledger.fingerprint());
        assertEquals(0, replay.metrics().applied());
        assertEquals(claims.size(), replay.metrics().duplicates());
    }

    @Test
    @DisplayName("a record that is not JSON lands on the dead-letter topic with its origin, and the records after it "
        + "are applied and committed")
    void poisonGoesToDeadLetters() throws Exception {
        String topic = kafka.newTopics("poison");
        Rain rain = ledger.runningRain(10_000, 100, 3);
        String viewer = "poisoned-" + rain.configCode().substring(0, 6);
        // One key, so one partition: the poison sits between the two grabs.
        RecordMetadata first = kafka.publish(topic, rain.grab(0, viewer, 10, 1));
        byte[] poison = "{\"schemaVersion\": 1, \"bizId\": ".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        RecordMetadata bad = kafka.publishRaw(topic, viewer, poison, headers);
        kafka.publish(topic, rain.grab(1, viewer, 20, 2));
        ConsumerConfig config = kafka.config(topic, ledger, 100);

        SettlementLoop loop = start(config);

        Await.until(WAIT, "committed offsets", () -> kafka.committedTotal(config.group()), 3L);
        assertEquals(30, ledger.wallet(viewer));
        assertEquals(1, loop.metrics().deadLettered());
        List<ConsumerRecord<String, byte[]>> letters = kafka.readAll(config.deadLetterTopic(), 1, WAIT);
        assertEquals(1, letters.size());
        ConsumerRecord<String, byte[]> letter = letters.get(0);
        assertEquals(viewer, letter.key());
        assertArrayEquals(poison, letter.value());
        assertEquals("t-1", header(letter, "trace"));
        assertEquals(topic, header(letter, DeadLetters.ORIGINAL_TOPIC));
        assertEquals(Integer.toString(bad.partition()), header(letter, DeadLetters.ORIGINAL_PARTITION));
        assertEquals(Long.toString(bad.offset()), header(letter, DeadLetters.ORIGINAL_OFFSET));
        assertEquals(first.partition(), bad.partition());
        assertEquals(PoisonRecordException.class.getName(), header(letter, DeadLetters.ERROR_CLASS));
        assertTrue(header(letter, DeadLetters.ERROR_MESSAGE).startsWith("value is not a settlement event"));
    }

    @Test
    @DisplayName("close() returns within a few seconds, and the committed offsets cover exactly what was applied")
    void closeCommitsWhatWasApplied() throws Exception {
        String topic = kafka.newTopics("close");
        Rain rain = ledger.runningRain(10_000_000, 10_000, 1);
        List<Claim> claims = grabs(rain, 4_000, 1);
        List<RecordMetadata> sent = kafka.publishAll(topic, claims);
        ConsumerConfig config = kafka.config(topic, ledger, 100);
        SettlementLoop loop = start(config);
        Await.until(WAIT, "some grabs settled", () -> ledger.grabTransfers(rain) > 0, true);

        long started = System.nanoTime();
        loop.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "close() took " + took);
        assertTrue(!loop.isRunning(), "loop thread still running after close()");
        Map<TopicPartition, Long> committed = kafka.committed(config.group());
        Set<String> applied = new HashSet<>(ledger.database().inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (var select = c.prepareStatement("SELECT biz_id FROM transfers WHERE kind = 'GRAB' AND config_code = ?")) {
                select.setString(1, rain.configCode());
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        }));
        Map<String, Integer> wrong = new HashMap<>();
        for (int i = 0; i < claims.size(); i++) {
            RecordMetadata at = sent.get(i);
            boolean belowCommit = at.offset() < committed.getOrDefault(new TopicPartition(topic, at.partition()), 0L);
            if (belowCommit != applied.contains(claims.get(i).bizId())) {
                wrong.merge(belowCommit ? "committed but not applied" : "applied but not committed", 1, Integer::sum);
            }
        }
        assertEquals(Map.of(), wrong);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
