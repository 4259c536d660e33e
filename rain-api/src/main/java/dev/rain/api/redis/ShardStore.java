package dev.rain.api.redis;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
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

    /** How long a staged, uncommitted list lives: far longer than a prepare takes (about a second for a million). */
    private static final long STAGING_MILLIS = 300_000;

    private final Redis redis;
    private final LuaScript reset = LuaScript.load("reset-shard");
    private final LuaScript commit = LuaScript.load("commit-shard");
    private final LuaScript close = LuaScript.load("close-shard");

    public ShardStore(Redis redis) {
        this.redis = redis;
    }

    public Future<Void> reset(String code, int shardCount, String token, IntFunction<Integer> shardSize) {
        return each(shardCount, shard -> reset.call(redis, shardKeys(code, shard), token, shardSize.apply(shard)))
            .mapEmpty();
    }

    /**
     * Appends a shard's packets to this prepare's own staging list, pipelined on {@code bulk}, in
     * RPUSHes of {@code batchSize} (a plain RPUSH costs Redis a fifth of what a script call carrying the
     * same packets does). Nothing here is visible to grabs until {@link #commit}. The list expires
     * unless committed, so a preparer that dies leaves nothing behind for long. {@code bulk} is a
     * connection of the prepare's own: its megabytes never queue in front of grabs on a shared one.
     */
    public Future<Void> stage(RedisConnection bulk, String code, int shard, String token, byte[][] packets,
                              int batchSize) {
        String key = RainKeys.staging(code, shard, token);
        List<Request> requests = new ArrayList<>(packets.length / batchSize + 2);
        for (int from = 0; from < packets.length; from += batchSize) {
            Request push = Request.cmd(Command.RPUSH).arg(key);
            for (int i = from; i < Math.min(packets.length, from + batchSize); i++) {
                push.arg(packets[i]);
            }
            requests.add(push);
            if (from == 0) {
                // Right after the list exists, in the same pipeline: never a staging list without an expiry.
                requests.add(Request.cmd(Command.PEXPIRE).arg(key).arg(STAGING_MILLIS));
            }
        }
        return bulk.batch(requests).mapEmpty();
    }

    /**
     * Makes the staged packets the shard's list; fails with FENCED when a newer prepare took the shard
     * over, and with INCOMPLETE when the staged list is not exactly the shard's size.
     */
    public Future<Response> commit(String code, int shard, String token, int count, long sum) {
        return commit.call(redis, List.of(RainKeys.state(code, shard), RainKeys.staging(code, shard, token),
            RainKeys.packets(code, shard)), token, count, sum);
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
