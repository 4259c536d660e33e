package dev.rain.api.kafka;

import dev.rain.common.ledger.RainRecord;
import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.redis.RainKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves claims from the shards' outbox streams to the settlement topic.
 *
 * <p>The instance that answered a grab hands the claim over at once (no read round trip); a claim is
 * deleted from its stream only after Kafka acknowledged it ({@code acks=all}, idempotent producer). A
 * sweeper sends again whatever stayed in a stream longer than the stale threshold: claims of an
 * instance that died, claims dropped while Kafka was away. So a claim may reach Kafka twice, never
 * zero times; the ledger deduplicates on bizId.
 *
 * <p>Kafka calls run on the relay's own thread, since {@code send} blocks while the broker is away.
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int QUEUE_CAPACITY = 200_000;
    private static final int SWEEP_BATCH = 1_000;
    private static final long DELETE_EVERY_MILLIS = 50;

    private record Pending(OutboxClaim claim, SettlementEvent event) {
    }

    private final Vertx vertx;
    private final Redis redis;
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String instanceId;
    private final long staleMillis;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<OutboxClaim> confirmed = new ConcurrentLinkedQueue<>();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** XDELs sent and not yet answered; a stop waits for them before the Redis client closes. */
    private final Set<Future<Void>> deleting = ConcurrentHashMap.newKeySet();
    private final Thread sender;
    private final long ackTimer;
    private final long sweepTimer;
    private volatile boolean running = true;

    public OutboxRelay(Vertx vertx, Redis redis, KafkaProducer<String, byte[]> producer, String topic,
                       String instanceId, long staleMillis, Supplier<Collection<RainRecord>> activeRains) {
        this.vertx = vertx;
        this.redis = redis;
        this.producer = producer;
        this.topic = topic;
        this.instanceId = instanceId;
        this.staleMillis = staleMillis;
        this.sender = new Thread(this::sendLoop, "rain-outbox-relay");
        this.sender.setDaemon(true);
        this.sender.start();
        // Every 50 ms, not 5: a rain's claims spread over many shard streams, and at 5 ms an XDEL carried about
        // two entries (16,658 XDEL for 35,800 grabs in a bench run). A relayed claim only waits a little
        // longer in its stream, well inside the stale threshold after which the sweeper would send it again.
        this.ackTimer = vertx.setPeriodic(Math.max(5, Math.min(DELETE_EVERY_MILLIS, staleMillis / 4)),
            id -> deleteConfirmed());
        this.sweepTimer = vertx.setPeriodic(Math.max(250, staleMillis / 2), id -> sweep(activeRains.get()));
    }

    /** Hands a fresh claim to Kafka without waiting. Never blocks: when full, the sweeper sends it later. */
    public void offer(OutboxClaim claim, String roomId, String anchorId) {
        if (!inFlight.add(claim.key())) {
            return;
        }
        if (!queue.offer(new Pending(claim, claim.toEvent(roomId, anchorId)))) {
            inFlight.remove(claim.key());
            dropped.incrementAndGet();
        }
    }

    public long relayedCount() {
        return relayed.get();
    }

    /** Claims not queued because the queue was full; they stay in their streams for the sweeper. */
    public long deferredCount() {
        return dropped.get();
    }

    private void sendLoop() {
        List<Pending> batch = new ArrayList<>(1_000);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 999);
                for (Pending pending : batch) {
                    send(pending);
                }
                // A breath before the next batch: claims offered meanwhile are drained together rather than each
                // waking this thread (and the producer's) on its own. The producer lingers 20 ms anyway.
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Kafka unreachable past max.block.ms and the like: the claims stay in their streams.
                LOG.warn("relay could not hand {} claims to Kafka, the sweeper will retry: {}", batch.size(),
                    e.toString());
                batch.forEach(pending -> inFlight.remove(pending.claim.key()));
            } finally {
                batch.clear();
            }
        }
    }

    private void send(Pending pending) {
        OutboxClaim claim = pending.claim;
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, claim.userId(), encode(pending.event));
        record.headers().add(new RecordHeader(SettlementEvent.GRAB_SLOT_HEADER,
            Integer.toString(claim.slot()).getBytes(StandardCharsets.US_ASCII)));
        producer.send(record, (metadata, failure) -> {
            if (failure == null) {
                confirmed.add(claim);
            } else {
                inFlight.remove(claim.key());
                LOG.warn("Kafka refused claim {} of {}; it stays in the outbox: {}", claim.entryId(),
                    claim.configCode(), failure.toString());
            }
        });
    }

    private static byte[] encode(SettlementEvent event) {
        try {
            return Json.MAPPER.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalStateException("cannot encode " + event, e);
        }
    }

    /** Deletes confirmed claims from their streams, one XDEL per stream per tick. */
    private Future<Void> deleteConfirmed() {
        if (confirmed.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<String, List<OutboxClaim>> byStream = new HashMap<>();
        OutboxClaim claim;
        while ((claim = confirmed.poll()) != null) {
            byStream.computeIfAbsent(RainKeys.outbox(claim.configCode(), claim.shard()), k -> new ArrayList<>())
                .add(claim);
        }
        List<Future<Response>> deletes = new ArrayList<>();
        byStream.forEach((stream, claims) -> {
            Request xdel = Request.cmd(Command.XDEL).arg(stream);
            claims.forEach(c -> xdel.arg(c.entryId()));
            deletes.add(redis.send(xdel).onComplete(done -> {
                claims.forEach(c -> inFlight.remove(c.key()));
                if (done.succeeded()) {
                    relayed.addAndGet(claims.size());
                } else {
                    LOG.warn("could not delete {} relayed claims from {}; they will be sent again: {}",
                        claims.size(), stream, done.cause().toString());
                }
            }));
        });
        Future<Void> all = Future.join(deletes).mapEmpty();
        deleting.add(all);
        return all.onComplete(done -> deleting.remove(all));
    }

    /**
     * Deletes what is confirmed and waits for every delete in flight, the ack timer's included, until
     * nothing is left; the timer is cancelled first, so a few rounds at most.
     */
    private Future<Void> drainDeletes(int rounds) {
        List<Future<Void>> pending = new ArrayList<>(deleting);
        pending.add(deleteConfirmed());
        return Future.join(pending).transform(done -> (confirmed.isEmpty() && deleting.isEmpty()) || rounds == 0
            ? Future.<Void>succeededFuture() : drainDeletes(rounds - 1));
    }

    /** Sends again what stayed in a stream past the stale threshold; one instance per shard at a time. */
    private void sweep(Collection<RainRecord> rains) {
        for (RainRecord rain : rains) {
            if (rain.shardCount() == null || rain.released()) {
                continue;
            }
            for (int shard = 0; shard < rain.shardCount(); shard++) {
                sweepShard(rain, shard);
            }
        }
    }

    private void sweepShard(RainRecord rain, int shard) {
        String code = rain.configCode();
        redis.send(Request.cmd(Command.SET).arg(RainKeys.sweepLease(code, shard)).arg(instanceId)
                .arg("NX").arg("PX").arg(Math.max(200, staleMillis / 2)))
            .compose(lease -> lease == null ? Future.succeededFuture() : staleEntries(code, shard))
            .onSuccess(entries -> {
                if (entries == null) {
                    return;
                }
                for (Response entry : entries) {
                    offer(toClaim(code, shard, entry), rain.roomId(), rain.anchorId());
                }
            })
            .onFailure(e -> LOG.warn("outbox sweep of {} shard {} failed: {}", code, shard, e.toString()));
    }

    private Future<Response> staleEntries(String code, int shard) {
        long before = System.currentTimeMillis() - staleMillis;
        return redis.send(Request.cmd(Command.XRANGE).arg(RainKeys.outbox(code, shard)).arg("-")
            .arg(Long.toString(Math.max(0, before))).arg("COUNT").arg(SWEEP_BATCH));
    }

    private static OutboxClaim toClaim(String code, int shard, Response entry) {
        String entryId = entry.get(0).toString();
        Response fields = entry.get(1);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            values.put(fields.get(i).toString(), fields.get(i + 1).toString());
        }
        return new OutboxClaim(code, shard, entryId, Integer.parseInt(values.get("p")), values.get("u"),
            Long.parseLong(values.get("a")), Integer.parseInt(values.get("s")), values.get("t"));
    }

    /**
     * Sends what is queued, waits for Kafka's answers and deletes the confirmed claims from their streams.
     * Whatever Kafka did not confirm stays in the outbox for another instance's sweeper.
     */
    public Future<Void> stop() {
        running = false;
        vertx.cancelTimer(sweepTimer);
        return vertx.executeBlocking(() -> {
                sender.join(10_000);
                producer.flush();
                return null;
            }, false)
            .compose(flushed -> {
                vertx.cancelTimer(ackTimer);
                return drainDeletes(10);
            })
            .onComplete(done -> LOG.info("outbox relay stopped after relaying {} claims ({} left to the sweepers: queue full)",
                relayed.get(), dropped.get()));
    }

    @Override
    public void close() {
        producer.close();
    }
}
