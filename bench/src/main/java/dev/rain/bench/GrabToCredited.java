package dev.rain.bench;

import dev.rain.common.ledger.ReadSql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
        Options options = Options.parse(args);
        Map<String, Long> creditedAt = new ConcurrentHashMap<>();
        Poller poller = Poller.start(options, creditedAt);
        int wrkExit = runWrk(options);
        Answers answers = Answers.read(options.out(), options.threads());
        String wrkLine = Files.readAllLines(options.out().resolve("wrk.txt")).stream()
            .filter(line -> line.startsWith("BENCH ")).findFirst().orElse("");
        awaitCredits(answers, creditedAt);
        poller.stop();
        System.exit(report(options, wrkExit, answers, wrkLine, creditedAt) ? 0 : 3);
    }

    /** The command line, in the order bench/run passes it. */
    private record Options(String host, int port, String code, String room, Path tokens, int rate, int seconds,
                           String pgUrl, String pgUser, String pgPassword, int connections, int threads,
                           Path luaDir, Path out) {

        static Options parse(String[] args) throws IOException {
            return new Options(args[0], Integer.parseInt(args[1]), args[2], args[3], Path.of(args[4]),
                Integer.parseInt(args[5]), Integer.parseInt(args[6]), args[7], args[8], args[9],
                Integer.parseInt(args[10]), Integer.parseInt(args[11]), Path.of(args[12]),
                Files.createDirectories(Path.of(args[13])));
        }

        long total() {
            return (long) rate * seconds;
        }
    }

    /** Runs wrk with g2c.lua to the end and returns its exit code; its output goes to wrk.txt. */
    private static int runWrk(Options o) throws IOException, InterruptedException {
        // wrk runs a few seconds past the schedule so the last answers arrive; the parked connections then idle.
        ProcessBuilder wrk = new ProcessBuilder("wrk", "-t" + o.threads(), "-c" + o.connections(),
            "-d" + (o.seconds() + 5) + "s", "--timeout", "10s", "-s", o.luaDir().resolve("g2c.lua").toString(),
            "http://" + o.host() + ":" + o.port())
            .redirectErrorStream(true)
            .redirectOutput(o.out().resolve("wrk.txt").toFile());
        wrk.environment().putAll(Map.of(
            "BENCH_LUA_DIR", o.luaDir().toString(),
            "BENCH_GRAB_PATH", "/v1/rains/" + o.code() + "/grab",
            "BENCH_ROOM", o.room(),
            "BENCH_TOKENS", o.tokens().toString(),
            "BENCH_G2C_RATE", Integer.toString(o.rate()),
            "BENCH_G2C_TOTAL", Long.toString(o.total()),
            "BENCH_G2C_THREADS", Integer.toString(o.threads()),
            "BENCH_G2C_OUT", o.out().toString()));
        return wrk.start().waitFor();
    }

    /** Waits up to 60 s for the poller to have seen every WON packet in the ledger. */
    private static void awaitCredits(Answers answers, Map<String, Long> creditedAt) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !creditedAt.keySet().containsAll(answers.wonAt.keySet())) {
            Thread.sleep(100);
        }
    }

    /** Writes credit-by-second.txt and prints the result line; true when every grab was answered and credited. */
    private static boolean report(Options o, int wrkExit, Answers answers, String wrkLine,
                                  Map<String, Long> creditedAt) throws IOException {
        long[] toCredit = answers.wonAt.entrySet().stream()
            .filter(e -> creditedAt.containsKey(e.getKey()))
            .mapToLong(e -> toCreditMicros(e.getValue(), creditedAt.get(e.getKey())))
            .toArray();
        Percentiles credit = new Percentiles(toCredit);
        writeBySecond(o.out().resolve("credit-by-second.txt"), answers, creditedAt);
        // Requests that left on time have no L line: their lag is zero (to wrk's 1 ms timer).
        long[] lags = Arrays.copyOf(answers.lateBy, (int) Math.max(answers.lateBy.length, answers.answered));
        Percentiles lag = new Percentiles(lags);
        double sendSeconds = (answers.lastAnswer - answers.start) / 1e6;
        boolean complete = wrkExit == 0 && answers.answered == o.total();
        System.out.printf(Locale.ROOT,
            "rate=%d seconds=%d asked=%d answered=%d all_answered=%s failed=%d won=%d credited=%d missing=%d "
                + "achieved_rate=%.0f grab_p50_ms=%.2f grab_p99_ms=%.2f sched_lag_p99_ms=%.2f sched_lag_max_ms=%.2f "
                + "credit_p50_ms=%.1f credit_p99_ms=%.1f credit_max_ms=%.1f poll_ms=%d%n",
            o.rate(), o.seconds(), o.total(), answers.answered, complete, answers.failed, answers.wonAt.size(),
            credit.count(), answers.wonAt.size() - credit.count(), answers.answered / sendSeconds,
            field(wrkLine, "p50_us") / 1e3, field(wrkLine, "p99_us") / 1e3, lag.at(99) / 1e3, lag.max() / 1e3,
            credit.at(50) / 1e3, credit.at(99) / 1e3, credit.max() / 1e3, POLL_MILLIS);
        return complete && credit.count() == answers.wonAt.size();
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
            lines.add(String.format(Locale.ROOT, "%d %d %.1f %.1f %.1f", second, p.count(), p.at(50) / 1e3,
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
        private final CountDownLatch ready = new CountDownLatch(1);
        private final Thread thread = new Thread(this, "ledger-poller");

        private Poller(String url, String user, String password, String code, Map<String, Long> creditedAt) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.code = code;
            this.creditedAt = creditedAt;
        }

        /** Starts polling on a daemon thread and returns once the first poll has returned. */
        static Poller start(Options o, Map<String, Long> creditedAt) throws InterruptedException {
            Poller poller = new Poller(o.pgUrl(), o.pgUser(), o.pgPassword(), o.code(), creditedAt);
            poller.thread.setDaemon(true);
            poller.thread.start();
            // The first query must have run before the first grab: a JVM that has just started takes one to
            // three seconds to load the driver and log in, and until then every credit would count as late.
            if (!poller.ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the ledger poller did not reach Postgres within 30 s");
            }
            return poller;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
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
