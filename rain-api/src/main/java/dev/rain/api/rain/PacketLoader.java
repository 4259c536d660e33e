package dev.rain.api.rain;

import dev.rain.common.ledger.RainRecord;
import dev.rain.api.redis.LuaScript;
import dev.rain.api.redis.ShardStore;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.redis.RainKeys;
import dev.rain.common.split.ShardDeal;
import dev.rain.common.split.ShardLayout;
import dev.rain.common.split.StrongRandom;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a rain's packets in Redis under a SETNX lock with an owner token and an expiry.
 *
 * <p>Every shard is reset under the new token; the packets are staged in lists named by the token and
 * each becomes the shard's list only through a commit fenced by it. So a preparer that died or stalled
 * half-way leaves nothing a retry could double: the retry resets the shards, the stale preparer's late
 * writes land in its own expiring lists and its commits are refused. The result is checked against
 * the rain's totals before the rain may be marked prepared.
 */
final class PacketLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PacketLoader.class);
    private static final int BATCH_SIZE = 1_000;
    private static final long LOCK_MILLIS = 30_000;

    private final Vertx vertx;
    private final Redis redis;
    private final ShardStore shards;
    private final WorkerExecutor planner;
    private final LuaScript lock = LuaScript.load("release-lock");
    private final int packetsPerShard;
    private final int maxShards;

    PacketLoader(Vertx vertx, Redis redis, ShardStore shards, int packetsPerShard, int maxShards) {
        this.vertx = vertx;
        this.redis = redis;
        this.shards = shards;
        this.packetsPerShard = packetsPerShard;
        this.maxShards = maxShards;
        // Splitting a million packets is CPU work: two threads at most, never an event loop.
        this.planner = vertx.createSharedWorkerExecutor("rain-prepare", 2);
    }

    /** The load that was accepted: how many shards, under which token. */
    record Loaded(int shardCount, String token) {
    }

    /**
     * Runs {@code work} holding the rain's prepare lock under a new owner token, renewed while the work runs
     * and released after it; PREPARE_IN_PROGRESS when another prepare holds it.
     */
    <T> Future<T> underLock(String code, Function<String, Future<T>> work) {
        String token = UUID.randomUUID().toString();
        String lockKey = RainKeys.prepareLock(code);
        return redis.send(Request.cmd(Command.SET).arg(lockKey).arg(token).arg("NX").arg("PX").arg(LOCK_MILLIS))
            .compose(acquired -> {
                if (acquired == null) {
                    return Future.failedFuture(new RainException(ErrorCode.PREPARE_IN_PROGRESS,
                        "another prepare of this rain is running"));
                }
                long renewal = vertx.setPeriodic(LOCK_MILLIS / 3,
                    id -> lock.call(redis, List.of(lockKey), token, LOCK_MILLIS));
                return work.apply(token).eventually(() -> {
                    vertx.cancelTimer(renewal);
                    return lock.call(redis, List.of(lockKey), token, "release");
                });
            });
    }

    /** Loads every shard under {@code token}, the token of the prepare lock the caller holds. */
    Future<Loaded> load(RainRecord rain, String token) {
        return redis.connect().compose(bulk -> loadLocked(rain, token, bulk).eventually(bulk::close));
    }

    /**
     * Resets the shards while the packets are split on a worker; each shard is staged on {@code bulk}
     * as soon as it is encoded (the rest are still being encoded meanwhile) and committed once the
     * resets are in.
     */
    private Future<Loaded> loadLocked(RainRecord rain, String token, RedisConnection bulk) {
        String code = rain.configCode();
        int shardCount = ShardLayout.shardCount(rain.totalCount(), packetsPerShard, maxShards);
        Context context = vertx.getOrCreateContext();
        Future<Void> reset = shards.reset(code, shardCount, token,
            shard -> ShardLayout.shardSize(rain.totalCount(), shardCount, shard));
        List<Promise<Void>> loaded = new ArrayList<>(shardCount);
        for (int shard = 0; shard < shardCount; shard++) {
            loaded.add(Promise.promise());
        }
        long started = System.nanoTime();
        Future<Long> dealt = planner.executeBlocking(() -> {
            ShardDeal.deal(rain.mode(), rain.totalAmount(), rain.totalCount(), shardCount, new StrongRandom(),
                shard -> context.runOnContext(now -> loadShard(bulk, code, token, shard, reset)
                    .onComplete(loaded.get(shard.shard()))));
            return System.nanoTime() - started;
        }, false);
        // A deal that failed half-way hands over no more shards: their loads must not wait forever.
        dealt.onFailure(failure -> loaded.forEach(shard -> shard.tryFail(failure)));
        List<Future<?>> all = new ArrayList<>(shardCount + 2);
        all.add(reset);
        all.add(dealt);
        loaded.forEach(shard -> all.add(shard.future()));
        return Future.all(all).recover(this::refusedByRedis)
            .compose(done -> verify(rain, shardCount, token))
            .onSuccess(ok -> LOG.info("prepare of {}: {} packets in {} shards loaded in {} ms (split, shuffle and"
                + " encode took {} ms of it on a worker)", code, rain.totalCount(), shardCount,
                (System.nanoTime() - started) / 1_000_000, dealt.result() / 1_000_000))
            .map(ok -> new Loaded(shardCount, token));
    }

    private Future<Void> loadShard(RedisConnection bulk, String code, String token, ShardDeal.Shard shard,
                                   Future<Void> reset) {
        return shards.stage(bulk, code, shard.shard(), token, shard.packets(), BATCH_SIZE)
            .compose(staged -> reset)
            .compose(ready -> shards.commit(code, shard.shard(), token, shard.packets().length, shard.sum()))
            .mapEmpty();
    }

    private <T> Future<T> refusedByRedis(Throwable failure) {
        if (failure.getMessage() != null && failure.getMessage().startsWith("FENCED")) {
            return Future.failedFuture(new RainException(ErrorCode.PREPARE_IN_PROGRESS,
                "another prepare took this rain over"));
        }
        if (failure.getMessage() != null && failure.getMessage().startsWith("STARTED")) {
            return Future.failedFuture(new RainException(ErrorCode.ALREADY_STARTED,
                "the rain's packets were already started; they are never loaded again"));
        }
        return Future.failedFuture(failure);
    }

    Future<Void> verify(RainRecord rain, int shardCount, String token) {
        return shards.check(rain.configCode(), shardCount, token).compose(check -> {
            if (check.complete() && check.count() == rain.totalCount() && check.amount() == rain.totalAmount()) {
                return Future.succeededFuture();
            }
            return Future.failedFuture(new RainException(ErrorCode.PREPARE_IN_PROGRESS,
                "the packet lists are incomplete (" + check.count() + " packets, " + check.amount()
                    + " loaded); another prepare may have taken over"));
        });
    }
}
