package dev.rain.api.rain;

import dev.rain.api.ledger.RainRecord;
import dev.rain.api.redis.LuaScript;
import dev.rain.api.redis.ShardStore;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.redis.RainKeys;
import dev.rain.common.split.ShardLayout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Prepares a rain's packets in Redis under a SETNX lock with an owner token and an expiry.
 *
 * <p>Every shard is first reset under the new token, and every batch is fenced by it, so a preparer
 * that died or stalled half-way leaves nothing a retry could double: the retry resets the shards and
 * the stale preparer's late batches are refused. The result is checked against the rain's totals
 * before the rain may be marked prepared.
 */
final class PacketLoader {

    private static final int BATCH_SIZE = 1_000;
    private static final int LANES = 8;
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

    Future<Loaded> load(RainRecord rain) {
        String token = UUID.randomUUID().toString();
        String lockKey = RainKeys.prepareLock(rain.configCode());
        return redis.send(Request.cmd(Command.SET).arg(lockKey).arg(token).arg("NX").arg("PX").arg(LOCK_MILLIS))
            .compose(acquired -> {
                if (acquired == null) {
                    return Future.failedFuture(new RainException(ErrorCode.PREPARE_IN_PROGRESS,
                        "another prepare of this rain is running"));
                }
                long renewal = vertx.setPeriodic(LOCK_MILLIS / 3,
                    id -> lock.call(redis, List.of(lockKey), token, LOCK_MILLIS));
                return loadLocked(rain, token)
                    .eventually(() -> {
                        vertx.cancelTimer(renewal);
                        return lock.call(redis, List.of(lockKey), token, "release");
                    });
            });
    }

    private Future<Loaded> loadLocked(RainRecord rain, String token) {
        int shardCount = ShardLayout.shardCount(rain.totalCount(), packetsPerShard, maxShards);
        return planner.executeBlocking(() -> PacketPlan.build(rain.mode(), rain.totalAmount(), rain.totalCount(),
                shardCount, BATCH_SIZE), false)
            .compose(plan -> shards.reset(rain.configCode(), shardCount, token, plan::shardSize)
                .compose(reset -> loadAll(rain.configCode(), plan, token)))
            .compose(loaded -> verify(rain, shardCount, token))
            .map(ok -> new Loaded(shardCount, token));
    }

    /** Shards go in {@link #LANES} parallel lanes; within a lane, batch after batch, so memory stays flat. */
    private Future<Void> loadAll(String code, PacketPlan plan, String token) {
        List<Future<Void>> lanes = new ArrayList<>(LANES);
        for (int lane = 0; lane < LANES && lane < plan.shardCount(); lane++) {
            Future<Void> chain = Future.succeededFuture();
            for (int shard = lane; shard < plan.shardCount(); shard += LANES) {
                for (PacketPlan.Batch batch : plan.batches(shard)) {
                    chain = chain.compose(done -> shards.load(code, batch.shard(), token, batch.sum(), batch.packets())
                        .mapEmpty());
                }
            }
            lanes.add(chain);
        }
        return Future.all(lanes).recover(this::fencedMeansTakenOver).mapEmpty();
    }

    private <T> Future<T> fencedMeansTakenOver(Throwable failure) {
        if (failure.getMessage() != null && failure.getMessage().startsWith("FENCED")) {
            return Future.failedFuture(new RainException(ErrorCode.PREPARE_IN_PROGRESS,
                "another prepare took this rain over"));
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
