package dev.rain.api.rain;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.RainListSql;
import dev.rain.common.ledger.RainSql;
import dev.rain.api.redis.RoomPublisher;
import dev.rain.api.redis.ShardCounters;
import dev.rain.api.redis.ShardStore;
import dev.rain.common.RainStatus;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every rain to its end: when it sells out, at {@code endsAt}, when its anchor closes it, or when
 * it was not started within the configured time of its creation (its money must not be held forever).
 *
 * <p>Each instance looks at the unfinished rains on a timer; one holding the rain's lease in Postgres
 * does the work, so exactly one instance finishes a rain, and another picks it up if that one dies.
 * Every step is idempotent and recorded, so a crash anywhere leaves a state the next tick resumes:
 * close the shards (no claim after that), freeze the claim counters, wait until the ledger settled
 * every claim, refund what is left in the escrow in one transaction, tell the wallet team and the
 * room, then remove the rain's Redis keys.
 */
public final class Finisher {

    private static final Logger LOG = LoggerFactory.getLogger(Finisher.class);
    private static final int LEASE_SECONDS = 15;
    /** A start that has not published after this long was interrupted; the finisher completes it. */
    private static final long START_REPAIR_MILLIS = 5_000;

    private final Vertx vertx;
    private final LedgerExecutor ledger;
    private final ShardStore shards;
    private final RoomPublisher rooms;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String instanceId;
    private final RainCache cache;
    private final EmptyShards emptyShards;
    private final long unstartedExpirySeconds;
    private final WorkerExecutor kafkaSends;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final long timer;
    private volatile Map<String, RainRecord> unfinished = Map.of();

    public Finisher(Vertx vertx, LedgerExecutor ledger, ShardStore shards, RoomPublisher rooms,
                    KafkaProducer<String, byte[]> producer, String topic, String instanceId, RainCache cache,
                    EmptyShards emptyShards, long intervalMillis, long unstartedExpirySeconds) {
        this.vertx = vertx;
        this.ledger = ledger;
        this.shards = shards;
        this.rooms = rooms;
        this.producer = producer;
        this.topic = topic;
        this.instanceId = instanceId;
        this.cache = cache;
        this.emptyShards = emptyShards;
        this.unstartedExpirySeconds = unstartedExpirySeconds;
        this.kafkaSends = vertx.createSharedWorkerExecutor("rain-finisher-kafka", 1);
        this.timer = vertx.setPeriodic(intervalMillis, id -> tick());
    }

    /** Unfinished rains as of the last tick; the outbox sweeper walks these. */
    public Collection<RainRecord> unfinishedRains() {
        return unfinished.values();
    }

    /** Something suggests the rain can finish now (sold out, closed): look at it without waiting. */
    public Future<Void> nudge(String configCode) {
        return ledger.transaction(c -> RainSql.find(c, configCode))
            .compose(rain -> rain.map(this::advance).orElse(Future.succeededFuture()));
    }

    private void tick() {
        expireUnstarted()
            .compose(expired -> ledger.transaction(RainListSql::unfinished))
            .onSuccess(rains -> {
                Map<String, RainRecord> byCode = new ConcurrentHashMap<>();
                rains.forEach(rain -> byCode.put(rain.configCode(), rain));
                unfinished = byCode;
                rains.forEach(this::advance);
            })
            .onFailure(e -> LOG.warn("finisher could not list unfinished rains: {}", e.toString()));
    }

    /**
     * Closes the rains not started in time, so that this tick finishes them like any closed rain; a failure
     * here must not keep the others from finishing.
     */
    private Future<Void> expireUnstarted() {
        return ledger.transaction(c -> RainSql.expireUnstarted(c, unstartedExpirySeconds))
            .onSuccess(expired -> expired.forEach(code -> {
                cache.invalidate(code);
                LOG.info("rain {} was not started within {} s of its creation: closed, its escrow goes back", code,
                    unstartedExpirySeconds);
            }))
            .<Void>mapEmpty()
            .recover(e -> {
                LOG.warn("finisher could not close expired unstarted rains: {}", e.toString());
                return Future.succeededFuture();
            });
    }

    /** One step forward for one rain, never two at once for the same rain on this instance. */
    private Future<Void> advance(RainRecord rain) {
        if (!busy.add(rain.configCode())) {
            return Future.succeededFuture();
        }
        return step(rain)
            .onFailure(e -> LOG.warn("finishing rain {} paused: {}", rain.configCode(), e.toString()))
            .eventually(() -> {
                busy.remove(rain.configCode());
                return Future.succeededFuture();
            })
            .mapEmpty();
    }

    private Future<Void> step(RainRecord rain) {
        if (rain.status() == RainStatus.FINISHED) {
            // Under the lease too: otherwise another instance's tick, seeing FINISHED before the end is
            // marked published, tells the room RAIN_END a second time.
            return lease(rain).compose(held -> held ? announceAndRelease(rain) : Future.succeededFuture());
        }
        if (rain.status() != RainStatus.RUNNING) {
            return Future.succeededFuture();
        }
        if (!rain.startPublished()) {
            return repairStart(rain);
        }
        if (rain.claimedCount() != null || !Instant.now().isBefore(rain.endsAt())) {
            return finish(rain);
        }
        // Polling every shard's counters for an early sell-out would cost two Redis commands per shard per tick for
        // the rain's whole life. Only a rain with an emptied shard can be sold out, and the instance that took a
        // shard's last packet marks it; a rain whose emptier died finishes at endsAt.
        if (!emptyShards.anyEmpty(rain.configCode())) {
            return Future.succeededFuture();
        }
        return shards.counters(rain.configCode(), rain.shardCount())
            .compose(live -> live.packetsLeft() == 0 && live.missingShards() == 0 ? finish(rain)
                : Future.succeededFuture());
    }

    private Future<Void> repairStart(RainRecord rain) {
        if (rain.startsAt() == null
            || Instant.now().isBefore(rain.startsAt().minusSeconds(rain.countdownSeconds()).plusMillis(START_REPAIR_MILLIS))) {
            return Future.succeededFuture();
        }
        return lease(rain)
            .compose(held -> held ? publishStart(rain) : Future.succeededFuture());
    }

    /** Opens the window in every shard, tells the room, records that it did. Safe to repeat. */
    Future<Void> publishStart(RainRecord rain) {
        return shards.openWindow(rain.configCode(), rain.shardCount(), rain.startsAt().toEpochMilli(),
                rain.endsAt().toEpochMilli())
            .compose(opened -> rooms.publish(rain.roomId(), RoomEvents.start(rain)))
            .compose(published -> ledger.transaction(c -> {
                RainSql.markStartPublished(c, rain.configCode());
                return null;
            }))
            .mapEmpty();
    }

    private Future<Void> finish(RainRecord rain) {
        return lease(rain)
            .compose(held -> held ? closeAndRefund(rain) : Future.succeededFuture());
    }

    private Future<Boolean> lease(RainRecord rain) {
        return ledger.transaction(c -> RainSql.takeFinisherLease(c, rain.configCode(), instanceId, LEASE_SECONDS));
    }

    private Future<Void> closeAndRefund(RainRecord rain) {
        return freezeClaims(rain)
            .compose(frozen -> ledger.transaction(c -> RainSql.refundAndFinish(c, rain.configCode())))
            .compose(finished -> {
                cache.invalidate(rain.configCode());
                return finished.map(this::announceAndRelease).orElse(Future.succeededFuture());
            });
    }

    /** Closes every shard, so the counters are final, and records them once. */
    private Future<Void> freezeClaims(RainRecord rain) {
        if (rain.claimedCount() != null) {
            return Future.succeededFuture();
        }
        return shards.close(rain.configCode(), rain.shardCount())
            .compose(counters -> ledger.transaction(c -> {
                RainSql.freezeClaims(c, rain.configCode(), counters.claimedCount(), counters.claimedAmount(),
                    counters.lastEmptiedAt());
                return counters;
            }))
            .onSuccess(counters -> logClosed(rain, counters))
            .mapEmpty();
    }

    private static void logClosed(RainRecord rain, ShardCounters counters) {
        LOG.info("rain {} closed: {} packets claimed for {}, {} left{}", rain.configCode(), counters.claimedCount(),
            counters.claimedAmount(), counters.packetsLeft(), counters.lastEmptiedAt() == null ? "" : ", sold out");
    }

    private Future<Void> announceAndRelease(RainRecord rain) {
        Future<Void> announced = rain.endPublished() ? Future.succeededFuture() : announceEnd(rain);
        return announced.compose(done -> rain.released() || rain.shardCount() == null
            ? Future.succeededFuture()
            : shards.release(rain.configCode(), rain.shardCount())
                .compose(released -> ledger.transaction(c -> {
                    RainSql.markReleased(c, rain.configCode());
                    return null;
                }))
                .onSuccess(released -> emptyShards.forget(rain.configCode()))
                .mapEmpty());
    }

    /**
     * The refund goes to the wallet team's topic (acknowledged), then RAIN_END to the room; a room that never
     * heard the rain start (closed or expired before its start) hears no end either.
     */
    private Future<Void> announceEnd(RainRecord rain) {
        Future<Void> refund = rain.refundedAmount() == 0 ? Future.succeededFuture() : kafkaSends.executeBlocking(() -> {
            SettlementEvent event = SettlementEvent.refund(rain.configCode(), rain.roomId(), rain.anchorId(),
                rain.refundedAmount(), rain.finishedAt().toString());
            producer.send(new ProducerRecord<>(topic, rain.anchorId(), Json.MAPPER.writeValueAsBytes(event))).get();
            return null;
        }, false);
        return refund
            .compose(sent -> rain.startsAt() == null ? Future.succeededFuture()
                : rooms.publish(rain.roomId(), RoomEvents.end(rain)).mapEmpty())
            .compose(published -> ledger.transaction(c -> {
                RainSql.markEndPublished(c, rain.configCode());
                return null;
            }))
            .onSuccess(done -> LOG.info("rain {} finished: {} credited in {} packets, {} refunded to {}",
                rain.configCode(), rain.settledAmount(), rain.settledCount(), rain.refundedAmount(), rain.anchorId()))
            .mapEmpty();
    }

    public void stop() {
        vertx.cancelTimer(timer);
        kafkaSends.close();
    }

    /** For tests: the rains this instance is working on right now. */
    List<String> busyRains() {
        return List.copyOf(busy);
    }
}
