package dev.rain.api.redis;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Operations over all shards of a rain. Each shard is addressed on its own (its keys share one hash
 * slot), so every call here works the same on a single Redis and on Redis Cluster.
 */
public final class ShardStore {

    private final Redis redis;
    private final LuaScript reset = LuaScript.load("reset-shard");
    private final LuaScript load = LuaScript.load("load-packets");
    private final LuaScript close = LuaScript.load("close-shard");

    public ShardStore(Redis redis) {
        this.redis = redis;
    }

    public Future<Void> reset(String code, int shardCount, String token, IntFunction<Integer> shardSize) {
        return each(shardCount, shard -> reset.call(redis, shardKeys(code, shard), token, shardSize.apply(shard)))
            .mapEmpty();
    }

    /** Appends one batch to a shard; fails with FENCED when a newer prepare took the shard over. */
    public Future<Response> load(String code, int shard, String token, long batchSum, List<byte[]> packets) {
        Object[] args = new Object[packets.size() + 2];
        args[0] = token;
        args[1] = batchSum;
        for (int i = 0; i < packets.size(); i++) {
            args[i + 2] = packets.get(i);
        }
        return load.call(redis, List.of(RainKeys.state(code, shard), RainKeys.packets(code, shard)), args);
    }

    /** What the shards hold under {@code token}: counts, amounts and list lengths, or a mismatch. */
    public Future<LoadCheck> check(String code, int shardCount, String token) {
        return each(shardCount, shard -> redis.send(Request.cmd(Command.HMGET).arg(RainKeys.state(code, shard))
                .arg("prepareToken").arg("loadedCount").arg("loadedAmount").arg("expectedCount"))
            .compose(state -> redis.send(Request.cmd(Command.LLEN).arg(RainKeys.packets(code, shard)))
                .map(length -> shardCheck(state, length, token))))
            .map(LoadCheck::sum);
    }

    private static LoadCheck shardCheck(Response state, Response length, String token) {
        boolean owned = state.get(0) != null && token.equals(state.get(0).toString());
        long count = state.get(1) == null ? -1 : state.get(1).toLong();
        long amount = state.get(2) == null ? -1 : state.get(2).toLong();
        long expected = state.get(3) == null ? -1 : state.get(3).toLong();
        boolean complete = owned && count == expected && length.toLong() == count;
        return new LoadCheck(complete, count, amount);
    }

    /** The totals a prepare loaded, and whether every shard is complete and carries the same token. */
    public record LoadCheck(boolean complete, long count, long amount) {
        static LoadCheck sum(List<LoadCheck> shards) {
            boolean complete = true;
            long count = 0;
            long amount = 0;
            for (LoadCheck shard : shards) {
                complete &= shard.complete;
                count += shard.count;
                amount += shard.amount;
            }
            return new LoadCheck(complete, count, amount);
        }
    }

    public Future<Void> openWindow(String code, int shardCount, long startsAtMillis, long endsAtMillis) {
        return each(shardCount, shard -> redis.send(Request.cmd(Command.HSET).arg(RainKeys.state(code, shard))
            .arg("startsAt").arg(startsAtMillis).arg("endsAt").arg(endsAtMillis))).mapEmpty();
    }

    /** Closes every shard for good and returns the final counters. */
    public Future<ShardCounters> close(String code, int shardCount) {
        return each(shardCount, shard -> close.call(redis,
                List.of(RainKeys.state(code, shard), RainKeys.packets(code, shard))))
            .map(ShardStore::sumClosed);
    }

    private static ShardCounters sumClosed(List<Response> replies) {
        long claimed = 0;
        long amount = 0;
        long left = 0;
        int missing = 0;
        long lastEmptied = 0;
        boolean allEmptied = true;
        for (Response reply : replies) {
            if (reply.get(0).toLong() < 0) {
                missing++;
                continue;
            }
            claimed += reply.get(0).toLong();
            amount += reply.get(1).toLong();
            left += reply.get(2).toLong();
            String emptied = reply.get(3).toString();
            if (emptied.isEmpty()) {
                allEmptied = false;
            } else {
                lastEmptied = Math.max(lastEmptied, Long.parseLong(emptied));
            }
        }
        Instant soldOut = allEmptied && left == 0 && missing < replies.size() ? Micros.toInstant(lastEmptied) : null;
        return new ShardCounters(claimed, amount, left, soldOut, missing);
    }

    /** Live counters of a running rain, without closing anything. */
    public Future<ShardCounters> counters(String code, int shardCount) {
        return each(shardCount, shard -> redis.send(Request.cmd(Command.HMGET).arg(RainKeys.state(code, shard))
                .arg("claimedCount").arg("claimedAmount").arg("loadedCount"))
            .compose(state -> redis.send(Request.cmd(Command.LLEN).arg(RainKeys.packets(code, shard)))
                .map(length -> new ShardCounters(
                    state.get(0) == null ? 0 : state.get(0).toLong(),
                    state.get(1) == null ? 0 : state.get(1).toLong(),
                    length.toLong(), null, state.get(2) == null ? 1 : 0))))
            .map(shards -> {
                long claimed = 0;
                long amount = 0;
                long left = 0;
                int missing = 0;
                for (ShardCounters shard : shards) {
                    claimed += shard.claimedCount();
                    amount += shard.claimedAmount();
                    left += shard.packetsLeft();
                    missing += shard.missingShards();
                }
                return new ShardCounters(claimed, amount, left, null, missing);
            });
    }

    /** Removes every key of the rain without blocking Redis: UNLINK frees large values in the background. */
    public Future<Void> release(String code, int shardCount) {
        return each(shardCount, shard -> {
            Request unlink = Request.cmd(Command.UNLINK);
            for (String key : RainKeys.shardKeys(code, shard)) {
                unlink.arg(key);
            }
            return redis.send(unlink);
        }).mapEmpty();
    }

    private static <T> Future<List<T>> each(int shardCount, IntFunction<Future<T>> perShard) {
        List<Future<T>> futures = new ArrayList<>(shardCount);
        for (int shard = 0; shard < shardCount; shard++) {
            futures.add(perShard.apply(shard));
        }
        return Future.all(futures).map(all -> all.list());
    }

    private static List<String> shardKeys(String code, int shard) {
        return List.of(RainKeys.state(code, shard), RainKeys.packets(code, shard), RainKeys.outbox(code, shard),
            RainKeys.users(code, shard), RainKeys.tapRates(code, shard));
    }
}
