package dev.rain.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Grab to credited: grabs at a fixed rate (wrk2's constant schedule, which Debian does not package),
 * records when each WON answer arrived per packetId, and polls the ledger for the packets' journal
 * rows, recording when each became visible. Latency = visible in the ledger - WON answer received,
 * both on this JVM's clock. The poll interval bounds the error from above (reported), so the figure
 * is conservative.
 *
 * <p>Requests are scheduled at fixed intended times and their latency counts from the intended time,
 * so a stalled server cannot hide its queue (no coordinated omission).
 *
 * <p>Usage: {@code GrabToCredited <host> <port> <code> <roomId> <tokens-file> <rate> <seconds>
 * <pg-url> <pg-user> <pg-password> <connections>}; prints one line of {@code key=value}.
 */
public final class GrabToCredited {

    private static final long POLL_MILLIS = 10;

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String code = args[2];
        String room = args[3];
        List<String> tokens = Files.readAllLines(Path.of(args[4]));
        int rate = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        String pgUrl = args[7];
        String pgUser = args[8];
        String pgPassword = args[9];
        int connections = Integer.parseInt(args[10]);

        Map<String, Long> wonAt = new ConcurrentHashMap<>();
        Map<String, Long> creditedAt = new ConcurrentHashMap<>();
        long total = (long) rate * seconds;
        long[] grabLatency = new long[(int) total];
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong won = new AtomicLong();
        CountDownLatch allAnswered = new CountDownLatch(1);

        Poller poller = new Poller(pgUrl, pgUser, pgPassword, code, creditedAt);
        Thread pollThread = new Thread(poller, "ledger-poller");
        pollThread.setDaemon(true);
        pollThread.start();

        Vertx vertx = Vertx.vertx();
        HttpClientAgent client = vertx.createHttpClient(
            new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(connections));
        Buffer body = Buffer.buffer(new JsonObject().put("roomId", room).encode());
        String uri = "/v1/rains/" + code + "/grab";
        long start = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            for (long i = sent.get(); i < due; i = sent.incrementAndGet()) {
                int n = (int) i;
                long intended = start + n * 1_000_000_000L / rate;
                RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri)
                    .putHeader("Authorization", "Bearer " + tokens.get(n % tokens.size()))
                    .putHeader("Content-Type", "application/json");
                client.request(options)
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(b -> response.statusCode() == 200 ? b : null))
                    .onComplete(done -> {
                        long now = System.nanoTime();
                        grabLatency[n] = now - intended;
                        if (done.succeeded() && done.result() != null) {
                            JsonObject answer = done.result().toJsonObject();
                            if ("WON".equals(answer.getString("outcome"))) {
                                wonAt.put(answer.getString("packetId"), now);
                                won.incrementAndGet();
                            }
                        } else {
                            failed.incrementAndGet();
                        }
                        if (answered.incrementAndGet() == total) {
                            allAnswered.countDown();
                        }
                    });
            }
            if (sent.get() >= total) {
                vertx.cancelTimer(id);
            }
        });
        boolean finished = allAnswered.await(seconds + 30L, TimeUnit.SECONDS);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        // Answers still on their way when the wait ended must not join the count after the ledger check:
        // an earlier version kept listening, and WON answers heard after its last look were reported
        // "missing" from a ledger that held them.
        client.close().await(10, TimeUnit.SECONDS);
        Map<String, Long> heard = Map.copyOf(wonAt);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !creditedAt.keySet().containsAll(heard.keySet())) {
            Thread.sleep(100);
        }
        poller.stop();
        pollThread.join(5_000);
        vertx.close();

        long[] toCredit = heard.entrySet().stream()
            .filter(e -> creditedAt.containsKey(e.getKey()))
            .mapToLong(e -> Math.max(0, creditedAt.get(e.getKey()) - e.getValue()))
            .toArray();
        Percentiles credit = new Percentiles(toCredit);
        Percentiles grab = new Percentiles(java.util.Arrays.copyOf(grabLatency, (int) answered.get()));
        System.out.printf(java.util.Locale.ROOT,
            "rate=%d seconds=%d sent=%d answered=%d all_answered=%s failed=%d won=%d credited=%d missing=%d "
                + "achieved_rate=%.0f grab_p50_ms=%.2f grab_p99_ms=%.2f credit_p50_ms=%.1f credit_p99_ms=%.1f "
                + "credit_max_ms=%.1f poll_ms=%d%n",
            rate, seconds, sent.get(), answered.get(), finished, failed.get(), heard.size(), credit.count(),
            heard.size() - credit.count(), answered.get() / sendSeconds, grab.at(50) / 1e6, grab.at(99) / 1e6,
            credit.at(50) / 1e6, credit.at(99) / 1e6, credit.max() / 1e6, POLL_MILLIS);
        System.exit(finished && credit.count() == heard.size() ? 0 : 3);
    }

    /** Reads the rain's new journal rows by seq, noting when each became visible. */
    private static final class Poller implements Runnable {

        private final String url;
        private final String user;
        private final String password;
        private final String code;
        private final Map<String, Long> creditedAt;
        private volatile boolean running = true;

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
            try (Connection c = DriverManager.getConnection(url, user, password);
                 PreparedStatement newRows = c.prepareStatement(
                     "SELECT seq, biz_id FROM transfers WHERE config_code = ? AND kind = 'GRAB' AND seq > ? ORDER BY seq")) {
                long lastSeq = 0;
                while (running) {
                    long polledAt = System.nanoTime();
                    newRows.setString(1, code);
                    newRows.setLong(2, lastSeq);
                    try (ResultSet rs = newRows.executeQuery()) {
                        // Rows become visible at their batch's commit; the poll that first sees them is
                        // at most one interval (plus the query) after it, never before.
                        long seenAt = System.nanoTime();
                        while (rs.next()) {
                            lastSeq = Math.max(lastSeq, rs.getLong(1));
                            creditedAt.putIfAbsent(rs.getString(2), seenAt);
                        }
                    }
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
