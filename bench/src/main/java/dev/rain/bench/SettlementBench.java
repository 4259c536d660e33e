package dev.rain.bench;

import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The settlement benchmark's parts.
 *
 * <ul>
 *   <li>{@code produce <bootstrap> <topic> <code> <room> <anchor> <n> <amount>}: n grab claims of one
 *       rain, distinct viewers, slot 1, exactly as the API's relay writes them.</li>
 *   <li>{@code await <pg-url> <user> <password> <code> <n> <timeout-s>}: polls the rain's settled counter until
 *       all n are settled, and prints the credit rate from the first credited batch to the last.</li>
 *   <li>{@code held <pg-url> <user> <password> <bootstrap> <topic> <code> <room> <anchor> <n> <amount> <timeout-s>}:
 *       holds the journal against writes while it produces the rain's n claims, so that the running consumers
 *       take their first batches and wait; prints {@code released} when it lets go, then the credit rate from that
 *       moment to the last credit. Every consumer of a group starts at once on a full topic, and nothing is
 *       produced while the rate is measured.</li>
 *   <li>{@code floor <pg-url> <user> <password> <n> <batch>}: the same rows (n journal rows and n new
 *       wallet rows) inserted plainly, batch by batch, one transaction each, into copies of the ledger's
 *       tables with the same indexes in the same database: what Postgres does without any ledger logic.</li>
 *   <li>{@code drop-topics <bootstrap> <prefix>}: deletes every topic whose name starts with the prefix, as
 *       earlier bench runs left them (each run's claims, gigabytes after a day of runs).</li>
 * </ul>
 */
public final class SettlementBench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "produce" -> produce(args[1], args[2], args[3], args[4], args[5], Integer.parseInt(args[6]),
                Long.parseLong(args[7]));
            case "await" -> await(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]),
                Integer.parseInt(args[6]));
            case "held" -> held(args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8],
                Integer.parseInt(args[9]), Long.parseLong(args[10]), Integer.parseInt(args[11]));
            case "floor" -> floor(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "drop-topics" -> dropTopics(args[1], args[2]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /**
     * Creates the topic with the broker's defaults unless it exists, and waits until each partition has a leader.
     * Left to auto-creation by the first send, one warm-up's produce stood still for two minutes, about
     * delivery.timeout.ms, with the broker spending 15 us a claim against 1-3 in every other (out/20261207T121006Z,
     * run 3). The tests' Kafka fixture met an idempotent producer's first batches on a partition still being
     * created (KAFKA-15591) and creates its topics first; so does this.
     */
    private static void ensureTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(10, TimeUnit.SECONDS).get(topic);
                    if (description.partitions().stream().allMatch(p -> p.leader() != null)) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("topic " + topic + " has no leaders after 30 s");
        }
    }

    private static void dropTopics(String bootstrap, String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> old = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(name -> name.startsWith(prefix))
                .collect(Collectors.toSet());
            if (!old.isEmpty()) {
                admin.deleteTopics(old).all().get(120, TimeUnit.SECONDS);
            }
            System.out.println("dropped=" + old.size());
        }
    }

    private static void produce(String bootstrap, String topic, String code, String room, String anchor, int n,
                                long amount) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long started = System.nanoTime();
        ensureTopic(bootstrap, topic);
        int resent = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
            new ByteArraySerializer())) {
            String occurredAt = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
            byte[] slot = "1".getBytes(StandardCharsets.US_ASCII);
            // A send that failed (seen once on a loaded machine: 49,999 of 50,000 in the topic) would leave
            // await waiting for its whole timeout; each failed one is sent again, synchronously.
            Queue<ProducerRecord<String, byte[]>> failed = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                String viewer = "settle-" + code.substring(0, 6) + "-" + i;
                SettlementEvent event = SettlementEvent.grab(code + ':' + i, code, room, anchor, viewer, amount,
                    occurredAt);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, viewer,
                    Json.MAPPER.writeValueAsBytes(event));
                record.headers().add(new RecordHeader(SettlementEvent.GRAB_SLOT_HEADER, slot));
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failed.add(record);
                    }
                });
            }
            producer.flush();
            for (ProducerRecord<String, byte[]> record; (record = failed.poll()) != null; resent++) {
                producer.send(record).get();
            }
        }
        System.out.printf(Locale.ROOT, "produced=%d resent=%d seconds=%.2f%n", n, resent,
            (System.nanoTime() - started) / 1e9);
    }

    /** A rain's claims the ledger has gone through, credited or refused. */
    private static final String SETTLED = "SELECT settled_count + rejected_count FROM rains WHERE config_code = ?";

    private static long settledCount(PreparedStatement query) throws Exception {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(String url, String user, String password, String code, int n, int timeoutSeconds)
        throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long firstAt = 0;
        long firstCount = 0;
        long count = 0;
        try (Connection c = DriverManager.getConnection(url, user, password);
             PreparedStatement settled = c.prepareStatement(SETTLED)) {
            settled.setString(1, code);
            while (System.nanoTime() < deadline) {
                count = settledCount(settled);
                long now = System.nanoTime();
                if (count > 0 && firstAt == 0) {
                    firstAt = now;
                    firstCount = count;
                }
                if (count >= n) {
                    double seconds = (now - firstAt) / 1e9;
                    // What was settled before the first poll that saw a credit is excluded: when it started is
                    // not observable from outside.
                    System.out.printf(Locale.ROOT, "settled=%d first_batch=%d seconds=%.3f credits_per_s=%.0f%n",
                        count, firstCount, seconds, seconds > 0 ? (count - firstCount) / seconds : 0.0);
                    return;
                }
                Thread.sleep(20);
            }
        }
        System.out.printf(Locale.ROOT, "settled=%d timeout=true credits_per_s=0%n", count);
        System.exit(3);
    }

    private static void held(String url, String user, String password, String bootstrap, String topic, String code,
                             String room, String anchor, int n, long amount, int timeoutSeconds) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false);
            try (Statement lock = c.createStatement()) {
                // Against every journal INSERT, whichever order a ledger takes its locks in: no claim of this rain
                // is written before the rate counts.
                lock.execute("LOCK TABLE transfers IN SHARE MODE");
            }
            produce(bootstrap, topic, code, room, anchor, n, amount);
            c.commit();
            long releasedAt = System.nanoTime();
            System.out.println("released");
            System.out.flush();
            long deadline = releasedAt + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            c.setAutoCommit(true);
            long count = 0;
            try (PreparedStatement settled = c.prepareStatement(SETTLED)) {
                settled.setString(1, code);
                while (System.nanoTime() < deadline) {
                    count = settledCount(settled);
                    if (count >= n) {
                        double seconds = (System.nanoTime() - releasedAt) / 1e9;
                        System.out.printf(Locale.ROOT, "settled=%d seconds=%.3f credits_per_s=%.0f%n", count, seconds,
                            count / seconds);
                        return;
                    }
                    Thread.sleep(10);
                }
            }
            System.out.printf(Locale.ROOT, "settled=%d timeout=true credits_per_s=0%n", count);
            System.exit(3);
        }
    }

    private static void floor(String url, String user, String password, int n, int batch) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (Statement ddl = c.createStatement()) {
                ddl.execute("DROP TABLE IF EXISTS bench_floor_transfers, bench_floor_accounts");
                ddl.execute("CREATE TABLE bench_floor_transfers (LIKE transfers INCLUDING ALL)");
                ddl.execute("CREATE TABLE bench_floor_accounts (LIKE accounts INCLUDING ALL)");
            }
            c.setAutoCommit(false);
            Timestamp occurredAt = Timestamp.from(Instant.now());
            long started = System.nanoTime();
            insertFloorRows(c, occurredAt, n, batch);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "rows=%d batch=%d seconds=%.3f rows_per_s=%.0f%n", n, batch, seconds,
                n / seconds);
            c.setAutoCommit(true);
            try (Statement ddl = c.createStatement()) {
                ddl.execute("DROP TABLE bench_floor_transfers, bench_floor_accounts");
            }
        }
    }

    /** The floor's rain: a code as long as a real one, so the rows are as wide as the ledger's. */
    private static final String FLOOR_CODE = "FLOORxxxxxxxxxxxxxxxxx";

    private static void insertFloorRows(Connection c, Timestamp occurredAt, int n, int batch) throws Exception {
        try (PreparedStatement transfers = c.prepareStatement("""
                 INSERT INTO bench_floor_transfers (biz_id, kind, debit_account, credit_account, amount,
                                                    config_code, user_id, grab_slot, occurred_at)
                 SELECT t.biz_id, 'GRAB', ?, 'wallet:' || t.user_id, ?, ?, t.user_id, 1, ?
                 FROM unnest(?::text[], ?::text[]) AS t(biz_id, user_id)""");
             PreparedStatement accounts = c.prepareStatement("""
                 INSERT INTO bench_floor_accounts (account_id, balance)
                 SELECT 'wallet:' || u, ? FROM unnest(?::text[]) AS u""")) {
            for (int from = 0; from < n; from += batch) {
                insertFloorBatch(c, transfers, accounts, occurredAt, from, Math.min(batch, n - from));
            }
        }
    }

    /** One batch: its journal rows and its new wallets, in one transaction. */
    private static void insertFloorBatch(Connection c, PreparedStatement transfers, PreparedStatement accounts,
                                         Timestamp occurredAt, int from, int size) throws Exception {
        String[] bizIds = new String[size];
        String[] users = new String[size];
        for (int i = 0; i < size; i++) {
            bizIds[i] = FLOOR_CODE + ':' + (from + i);
            users[i] = "floor-" + (from + i);
        }
        Array userArray = c.createArrayOf("text", users);
        transfers.setString(1, "escrow:" + FLOOR_CODE);
        transfers.setLong(2, 100);
        transfers.setString(3, FLOOR_CODE);
        transfers.setTimestamp(4, occurredAt);
        transfers.setArray(5, c.createArrayOf("text", bizIds));
        transfers.setArray(6, userArray);
        transfers.executeUpdate();
        accounts.setLong(1, 100);
        accounts.setArray(2, userArray);
        accounts.executeUpdate();
        c.commit();
    }
}
