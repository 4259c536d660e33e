package dev.rain.settlement;

import dev.rain.common.ledger.Database;
import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.health.HealthServer;
import dev.rain.settlement.health.Readiness;
import dev.rain.settlement.loop.SettlementLoop;
import dev.rain.settlement.loop.SettlementMetrics;
import dev.rain.settlement.metrics.ConsumerMeters;
import dev.rain.common.ledger.settle.LedgerWriter;
import dev.rain.common.ledger.settle.SettlementLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement consumer assembled: the migrated ledger, its poll loops and the health endpoint. {@code main}
 * runs one; tests of other modules can run one in their own JVM.
 *
 * <p>The loops ({@code RAIN_SETTLEMENT_LOOPS}) are consumers of the same group, each with its own partitions and
 * its own ledger transaction in flight: one loop's transaction waits for Postgres most of its time, so a second
 * one keeps Postgres busy meanwhile, as a second replica would, without a second JVM.
 */
public final class SettlementService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementService.class);

    private final Database database;
    private final List<SettlementLoop> loops;
    private final ConsumerMeters meters;
    private final HealthServer health;

    private SettlementService(Database database, List<SettlementLoop> loops, ConsumerMeters meters,
                              HealthServer health) {
        this.database = database;
        this.loops = loops;
        this.meters = meters;
        this.health = health;
    }

    public static SettlementService start(ConsumerConfig config) {
        LOG.info("starting with {}", config);
        Database database = Database.connect(config.postgres(), "rain-settlement");
        List<SettlementLoop> loops = new ArrayList<>();
        ConsumerMeters meters = null;
        try {
            LedgerWriter ledger = LedgerWriter.of(database, new SettlementLedger());
            for (int i = 0; i < config.loops(); i++) {
                loops.add(new SettlementLoop(config, ledger, i));
            }
            // All of them before any polls, so that the group's first assignment shares the partitions out.
            loops.forEach(SettlementLoop::start);
            List<SettlementLoop> started = List.copyOf(loops);
            List<SettlementMetrics> metrics = started.stream().map(SettlementLoop::metrics).toList();
            meters = new ConsumerMeters(metrics, () -> allRunning(started),
                started.stream().flatMap(loop -> loop.kafkaClientMetrics().stream()).toList());
            HealthServer health = HealthServer.start(config.healthPort(), () -> allRunning(started),
                new Readiness(database.dataSource(), metrics, Clock.systemUTC()), meters::scrape);
            LOG.info("{} settlement loops; health and metrics on port {}", started.size(), health.port());
            return new SettlementService(database, started, meters, health);
        } catch (RuntimeException e) {
            loops.forEach(SettlementLoop::close);
            if (meters != null) {
                meters.close();
            }
            database.close();
            throw e;
        }
    }

    /** Each loop's own counters, in the order of their indexes. */
    public List<SettlementMetrics> metricsByLoop() {
        return loops.stream().map(SettlementLoop::metrics).toList();
    }

    /** The loops' counters together, as of now. */
    public SettlementMetrics metrics() {
        return SettlementMetrics.total(metricsByLoop());
    }

    /**
     * Waits up to {@code timeout} for any loop to stop: after close(), or by a failure it cannot retry, which
     * leaves its partitions unsettled by this process.
     *
     * @return true when a loop has stopped
     */
    public boolean awaitAnyStop(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!allRunning(loops)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
        }
    }

    public int healthPort() {
        return health.port();
    }

    /**
     * The loops first, all asked at once (each commits what it settled), then the endpoint, then the pool the
     * loops were using.
     */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        for (SettlementLoop loop : loops) {
            Thread thread = new Thread(loop::close, "rain-settlement-close-" + closing.size());
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        health.close();
        meters.close();
        database.close();
        LOG.info("settlement consumer closed");
    }

    private static boolean allRunning(List<SettlementLoop> loops) {
        return loops.stream().allMatch(SettlementLoop::isRunning);
    }
}
