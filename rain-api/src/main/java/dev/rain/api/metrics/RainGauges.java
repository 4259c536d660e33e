package dev.rain.api.metrics;

import dev.rain.api.kafka.OutboxRelay;
import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.GaugeSql;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.RainStatus;
import dev.rain.common.redis.RainKeys;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges that need a look at Redis or Postgres: outbox backlog and the age of its oldest claim,
 * escrow held by running rains, unfinished rains by status, refused claims. Totals only: a label naming a
 * rain (or its room, or a user) would hand anyone who reads the metrics every running rain's code.
 * Refreshed on a timer, never on a scrape, so a
 * scrape costs nothing and a slow database cannot slow it down; the Postgres reads run on the JDBC
 * worker pool, the Redis reads are asynchronous.
 */
public final class RainGauges {

    private static final Logger LOG = LoggerFactory.getLogger(RainGauges.class);

    private final Vertx vertx;
    private final Redis redis;
    private final LedgerExecutor ledger;
    private final Supplier<Collection<RainRecord>> unfinished;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final AtomicLong anomalies = new AtomicLong();
    private final AtomicLong escrow = new AtomicLong();
    private final Map<RainStatus, AtomicLong> unfinishedByStatus = new EnumMap<>(RainStatus.class);
    private final long timer;
    private volatile boolean refreshing;

    public RainGauges(Vertx vertx, Redis redis, LedgerExecutor ledger, Supplier<Collection<RainRecord>> unfinished,
                      OutboxRelay relay, MeterRegistry registry, long intervalMillis) {
        this.vertx = vertx;
        this.redis = redis;
        this.ledger = ledger;
        this.unfinished = unfinished;
        Gauge.builder("rain.outbox.backlog", backlog, AtomicLong::get)
            .description("Claims waiting in the outbox streams of unfinished rains (all instances' claims).")
            .register(registry);
        Gauge.builder("rain.outbox.oldest.age", oldestAgeMillis, age -> age.get() / 1000.0).baseUnit("seconds")
            .description("Age of the oldest claim in any outbox stream; 0 when they are empty.")
            .register(registry);
        FunctionCounter.builder("rain.outbox.relayed", relay, OutboxRelay::relayedCount)
            .description("Claims this instance handed to Kafka and removed from their outbox.")
            .register(registry);
        FunctionCounter.builder("rain.outbox.deferred", relay, OutboxRelay::deferredCount)
            .description("Claims left in their outbox for the sweeper because the relay queue was full.")
            .register(registry);
        Gauge.builder("rain.reconciliation.anomalies", anomalies, AtomicLong::get)
            .description("Claims the ledger refused (claim_anomalies), over all rains.")
            .register(registry);
        Gauge.builder("rain.escrow.balance", escrow, AtomicLong::get).baseUnit("minor_units")
            .description("What is left in the escrows of all running rains together.")
            .register(registry);
        for (RainStatus status : RainStatus.values()) {
            // FINISHED is left out: it only grows, and counting it would read every rain ever made.
            if (status != RainStatus.FINISHED) {
                AtomicLong count = unfinishedByStatus.computeIfAbsent(status, s -> new AtomicLong());
                Gauge.builder("rain.rains", count, AtomicLong::get).tag("status", status.name())
                    .description("Rains not yet finished, by status.").register(registry);
            }
        }
        this.timer = vertx.setPeriodic(1, intervalMillis, id -> refresh());
    }

    private void refresh() {
        // A refresh slower than the interval must not pile up behind itself.
        if (refreshing) {
            return;
        }
        refreshing = true;
        Future.join(refreshOutbox(), refreshLedger())
            .onFailure(e -> LOG.warn("metrics refresh incomplete: {}", e.toString()))
            .onComplete(done -> refreshing = false);
    }

    private Future<Void> refreshOutbox() {
        List<Future<long[]>> shards = new ArrayList<>();
        for (RainRecord rain : unfinished.get()) {
            if (rain.shardCount() == null || rain.released()) {
                continue;
            }
            for (int shard = 0; shard < rain.shardCount(); shard++) {
                shards.add(outbox(RainKeys.outbox(rain.configCode(), shard)));
            }
        }
        return Future.all(shards).onSuccess(all -> {
            long total = 0;
            long oldest = Long.MAX_VALUE;
            for (Future<long[]> shard : shards) {
                total += shard.result()[0];
                oldest = Math.min(oldest, shard.result()[1]);
            }
            backlog.set(total);
            oldestAgeMillis.set(oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest));
        }).mapEmpty();
    }

    /** {length, time of the first entry in ms (its id's first part), or Long.MAX_VALUE when empty}. */
    private Future<long[]> outbox(String stream) {
        return redis.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+").arg("COUNT").arg(1))
            .compose(first -> redis.send(Request.cmd(Command.XLEN).arg(stream))
                .map(length -> new long[] {length.toLong(), firstEntryMillis(first)}));
    }

    private static long firstEntryMillis(Response range) {
        if (range == null || range.size() == 0) {
            return Long.MAX_VALUE;
        }
        String id = range.get(0).get(0).toString();
        return Long.parseLong(id.substring(0, id.indexOf('-')));
    }

    private Future<Void> refreshLedger() {
        return ledger.transaction(c -> new LedgerTotals(GaugeSql.runningEscrows(c), GaugeSql.unfinishedByStatus(c),
                GaugeSql.anomalies(c)))
            .onSuccess(read -> {
                escrow.set(read.escrow());
                // A status with no rain left reads 0 rather than freezing at its last count.
                unfinishedByStatus.forEach((status, count) -> count.set(read.unfinished().getOrDefault(status, 0L)));
                anomalies.set(read.anomalies());
            })
            .mapEmpty();
    }

    private record LedgerTotals(long escrow, Map<RainStatus, Long> unfinished, long anomalies) {
    }

    public void stop() {
        vertx.cancelTimer(timer);
    }
}
