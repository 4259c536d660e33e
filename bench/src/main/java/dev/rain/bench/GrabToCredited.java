package dev.rain.bench;

import dev.rain.common.ledger.ReadSql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Grab to credited: wrk sends grabs on a fixed schedule ({@code bench/lua/g2c.lua}: wrk2's constant rate, which
 * Debian does not package, built on wrk's {@code delay()} hook) and writes down when each answer arrived, with
 * the packetId of every WON; meanwhile this JVM polls the ledger for the rain's journal rows, recording when each
 * became visible. Latency = visible in the ledger - WON answer received, both on CLOCK_MONOTONIC (what
 * {@link System#nanoTime} reads on Linux, and what the script reads through LuaJIT's FFI). The poll interval
 * bounds the error from above (reported), so the figure is conservative.
 *
 * <p>The load comes from wrk, not from a JVM beside the API: an earlier Vert.x client here spent about as much
 * CPU per grab as the API did and reached only 4,137-7,672 of the 10,000 grabs/s asked. How late requests left
 * against the schedule is reported (sched_lag), so a server that cannot keep up cannot hide its queue.
 *
 * <p>Usage: {@code GrabToCredited <host> <port> <code> <roomId> <tokens-file> <rate> <seconds>
 * <pg-url> <pg-user> <pg-password> <connections> <wrk-threads> <lua-dir> <out-dir>}; prints one line of
 * {@code key=value}.
 */
public final class GrabToCredited {

    private static final long POLL_MILLIS = 10;
    /** Records a page of the poller's reads: a poll reads on while pages come back full. */
    private static final int PAGE = 10_000;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String code = args[2];
        String room = args[3];
        Path tokens = Path.of(args[4]);
        int rate = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String pgUrl = args[7];
        String pgUser = args[8];
        String pgPassword = args[9];
        int connections = Integer.parseInt(args[10]);
        int threads = Integer.parseInt(args[11]);
        Path luaDir = Path.of(args[12]);
        Path out = Files.createDirectories(Path.of(args[13]));
        long total = (long) rate * seconds;

        Map<String, Long> creditedAt = new ConcurrentHashMap<>();
        Poller poller = new Poller(pgUrl, pgUser, pgPassword, code, creditedAt);
        Thread pollThread = new Thread(poller, "ledger-poller");
        pollThread.setDaemon(true);
        pollThread.start();
        // The poller's first query must have run before the first grab: a JVM that has just started takes
        // one to three seconds to load the driver and log in, and until then every credit would count as late.
        if (!poller.ready.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the ledger poller did not reach Postgres within 30 s");
        }

        // wrk runs a few seconds past the schedule so the last answers arrive; the parked connections then idle.
        ProcessBuilder wrk = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + (seconds + 5) + "s",
            "--timeout", "10s", "-s", luaDir.resolve("g2c.lua").toString(), "http://" + host + ":" + port)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("wrk.txt").toFile());
        wrk.environment().putAll(Map.of(
            "BENCH_LUA_DIR", luaDir.toString(),
            "BENCH_GRAB_PATH", "/v1/rains/" + code + "/grab",
            "BENCH_ROOM", room,
            "BENCH_TOKENS", tokens.toString(),
            "BENCH_G2C_RATE", Integer.toString(rate),
            "BENCH_G2C_TOTAL", Long.toString(total),
            "BENCH_G2C_THREADS", Integer.toString(threads),
            "BENCH_G2C_OUT", out.toString()));
        int wrkExit = wrk.start().waitFor();
        Answers answers = Answers.read(out, threads);
        String wrkLine = Files.readAllLines(out.resolve("wrk.txt")).stream()
            .filter(line -> line.startsWith("BENCH ")).findFirst().orElse("");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !creditedAt.keySet().containsAll(answers.wonAt.keySet())) {
            Thread.sleep(100);
        }
        poller.stop();
        pollThread.join(5_000);

        long[] toCredit = answers.wonAt.entrySet().stream()
            .filter(e -> creditedAt.containsKey(e.getKey()))
            .mapToLong(e -> toCreditMicros(e.getValue(), creditedAt.get(e.getKey())))
            .toArray();
        Percentiles credit = new Percentiles(toCredit);
        writeBySecond(out.resolve("credit-by-second.txt"), answers, creditedAt);
        // Requests that left on time have no L line: their lag is zero (to wrk's 1 ms timer).
        long[] lags = java.util.Arrays.copyOf(answers.lateBy, (int) Math.max(answers.lateBy.length, answers.answered));
        Percentiles lag = new Percentiles(lags);
        double sendSeconds = (answers.lastAnswer - answers.start) / 1e6;
        boolean complete = wrkExit == 0 && answers.answered == total;
        System.out.printf(java.util.Locale.ROOT,
            "rate=%d seconds=%d asked=%d answered=%d all_answered=%s failed=%d won=%d credited=%d missing=%d "
                + "achieved_rate=%.0f grab_p50_ms=%.2f grab_p99_ms=%.2f sched_lag_p99_ms=%.2f sched_lag_max_ms=%.2f "
                + "credit_p50_ms=%.1f credit_p99_ms=%.1f credit_max_ms=%.1f poll_ms=%d%n",
            rate, seconds, total, answers.answered, complete, answers.failed, answers.wonAt.size(), credit.count(),
            answers.wonAt.size() - credit.count(), answers.answered / sendSeconds,
            field(wrkLine, "p50_us") / 1e3, field(wrkLine, "p99_us") / 1e3, lag.at(99) / 1e3, lag.max() / 1e3,
            credit.at(50) / 1e3, credit.at(99) / 1e3, credit.max() / 1e3, POLL_MILLIS);
        System.exit(complete && credit.count() == answers.wonAt.size() ? 0 : 3);
    }

    /**
     * Where the tail is in time: for each second of answers (from the first send), how many WONs were answered
     * and their latency to the ledger. A tail that is one stall shows as a few bad seconds; a slow consumer as
     * a rising line.
     */
    private static void writeBySecond(Path file, Answers answers, Map<String, Long> creditedAt) throws IOException {
        Map<Long, List<Long>> bySecond = new TreeMap<>();
        answers.wonAt.forEach((packet, wonAt) -> {
            Long at = creditedAt.get(packet);
            if (at != null) {
                bySecond.computeIfAbsent((wonAt - answers.start) / 1_000_000, s -> new ArrayList<>())
                    .add(toCreditMicros(wonAt, at));
            }
        });
        List<String> lines = new ArrayList<>(List.of("second won credit_p50_ms credit_p99_ms credit_max_ms"));
        bySecond.forEach((second, latencies) -> {
            Percentiles p = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
            lines.add(String.format(java.util.Locale.ROOT, "%d %d %.1f %.1f %.1f", second, p.count(), p.at(50) / 1e3,
                p.at(99) / 1e3, p.max() / 1e3));
        });
        Files.write(file, lines);
    }

    /** From a WON answer (monotonic µs, as g2c.lua writes it) to the poll that saw its row (nanoTime). */
    private static long toCreditMicros(long wonAtMicros, long creditedAtNanos) {
        return Math.max(0, creditedAtNanos / 1000 - wonAtMicros);
    }

    private static long field(String benchLine, String key) {
        for (String pair : benchLine.split(" ")) {
            if (pair.startsWith(key + "=")) {
                return Long.parseLong(pair.substring(key.length() + 1));
            }
        }
        return -1;
    }

    /** What g2c.lua wrote, one file per wrk thread; times in CLOCK_MONOTONIC microseconds. */
    private static final class Answers {

        final Map<String, Long> wonAt = new HashMap<>();
        long start = Long.MAX_VALUE;
        long lastAnswer;
        long answered;
        long failed;
        long[] lateBy = new long[0];

        static Answers read(Path out, int threads) throws IOException {
            Answers answers = new Answers();
            List<Long> late = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                for (String line : Files.readAllLines(out.resolve("g2c-" + t + ".txt"))) {
                    String[] f = line.split(" ");
                    long at = Long.parseLong(f[1]);
                    switch (f[0]) {
                        case "S" -> answers.start = Math.min(answers.start, at);
                        case "L" -> late.add(at);
                        case "W" -> {
                            answers.wonAt.put(f[2], at);
                            answers.answer(at);
                        }
                        case "A" -> {
                            answers.answer(at);
                            if (!f[2].startsWith("2")) {
                                answers.failed++;
                            }
                        }
                        default -> throw new IllegalStateException("unexpected line in g2c output: " + line);
                    }
                }
            }
            answers.lateBy = late.stream().mapToLong(Long::longValue).toArray();
            return answers;
        }

        private void answer(long at) {
            answered++;
            lastAnswer = Math.max(lastAnswer, at);
        }
    }

    /**
     * Reads the rain's new journal rows with the records API's own read ({@link ReadSql#records}), noting when
     * each became visible. Not by seq alone: a batch inserts its rows before it locks the rain, so with two
     * writers a batch can commit after one with higher seqs, and a poller past those seqs missed it (846-6,957
     * of 200,000 a run, all of them in the journal). Not by a query of its own either: one without the API's
     * limits was planned as a join over the whole rain, and took up to 3 s a poll.
     */
    private static final class Poller implements Runnable {

        private final String url;
        private final String user;
        private final String password;
        private final String code;
        private final Map<String, Long> creditedAt;
        private volatile boolean running = true;
        /** Counted down when the first poll has returned. */
        final CountDownLatch ready = new CountDownLatch(1);

        Poller(String url, String user, String password, String code, Map<String, Long> creditedAt) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.code = code;
            this.creditedAt = creditedAt;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                ReadSql.Position after = ReadSql.Position.START;
                while (running) {
                    long polledAt = System.nanoTime();
                    List<ReadSql.GrabRecord> page;
                    do {
                        page = ReadSql.records(c, code, after, PAGE);
                        // Rows become visible at their batch's commit; the poll that first sees them is
                        // at most one interval (plus the query) after it, never before.
                        long seenAt = System.nanoTime();
                        for (ReadSql.GrabRecord record : page) {
                            creditedAt.putIfAbsent(record.packetId(), seenAt);
                        }
                        if (!page.isEmpty()) {
                            after = page.get(page.size() - 1).position();
                        }
                    } while (page.size() == PAGE);
                    ready.countDown();
                    long sleep = POLL_MILLIS - (System.nanoTime() - polledAt) / 1_000_000;
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                }
            } catch (Exception e) {
                System.err.println("ledger poller failed: " + e);
            }
        }
    }
}
