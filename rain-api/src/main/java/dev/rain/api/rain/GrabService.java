package dev.rain.api.rain;

import dev.rain.api.kafka.OutboxClaim;
import dev.rain.api.kafka.OutboxRelay;
import dev.rain.common.ledger.RainRecord;
import dev.rain.api.ratelimit.Limit;
import dev.rain.api.redis.LuaScript;
import dev.rain.common.RainStatus;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import dev.rain.common.redis.RainKeys;
import dev.rain.common.split.ShardLayout;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One viewer's grab: one atomic script on the viewer's home shard, which charges the viewer's tap-rate
 * bucket, checks the window and the closed flag, takes one of the viewer's {@code maxGrabsPerUser}
 * slots, pops a packet and writes its claim to the shard's outbox. When the home shard is empty the slot stays taken and the same script
 * pops from the other shards in turn, so nobody hears SOLD_OUT while packets remain. The answer never
 * waits for Kafka.
 */
public final class GrabService {

    private final Redis redis;
    private final OutboxRelay relay;
    private final EmptyShards emptyShards;
    private final Finisher finisher;
    private final Limit tapRate;
    private final LuaScript grab = LuaScript.load("grab");
    /** Grabs between their first Redis call and their claim handed to the relay; a stop waits for zero. */
    private final AtomicInteger inFlight = new AtomicInteger();

    public GrabService(Redis redis, OutboxRelay relay, EmptyShards emptyShards, Finisher finisher, Limit tapRate) {
        this.redis = redis;
        this.tapRate = tapRate;
        this.relay = relay;
        this.emptyShards = emptyShards;
        this.finisher = finisher;
    }

    /** A viewer in {@code roomId} taps {@code rain}; a rain of another room is refused with WRONG_ROOM. */
    public Future<GrabOutcome> grab(RainRecord rain, String roomId, String userId) {
        if (!rain.roomId().equals(roomId)) {
            return Future.failedFuture(new RainException(ErrorCode.WRONG_ROOM, "this rain belongs to another room"));
        }
        if (rain.status() == RainStatus.FINISHED) {
            return Future.succeededFuture(GrabOutcome.ENDED);
        }
        if (rain.status() == RainStatus.WAIT_PREPARE || rain.shardCount() == null) {
            return Future.succeededFuture(GrabOutcome.NOT_STARTED);
        }
        int shardCount = rain.shardCount();
        if (emptyShards.allEmpty(rain.configCode(), shardCount)) {
            return Future.succeededFuture(rain.endsAt() != null && !java.time.Instant.now().isBefore(rain.endsAt())
                ? GrabOutcome.ENDED : GrabOutcome.SOLD_OUT);
        }
        int home = ShardLayout.homeShard(userId, shardCount);
        inFlight.incrementAndGet();
        return attempt(rain, userId, home, 0).compose(reply -> {
            String kind = reply.get(0).toString();
            if (kind.equals("BORROW")) {
                emptyShards.mark(rain.configCode(), home);
                int slot = reply.get(1).toInteger();
                int start = shardCount > 1 ? ThreadLocalRandom.current().nextInt(shardCount) : 0;
                return borrow(rain, userId, slot, home, start, 0);
            }
            return Future.succeededFuture(outcome(rain, userId, home, reply));
        }).onComplete(done -> inFlight.decrementAndGet());
    }

    /** Grabs that may still take a packet, whose claims the relay has not been given yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Tries the other shards one by one, from a random start so borrowers spread over what is left. */
    private Future<GrabOutcome> borrow(RainRecord rain, String userId, int slot, int home, int start, int tried) {
        int shardCount = rain.shardCount();
        for (int i = tried; i < shardCount; i++) {
            int shard = (start + i) % shardCount;
            if (shard == home || emptyShards.isEmpty(rain.configCode(), shard)) {
                continue;
            }
            int next = i + 1;
            return attempt(rain, userId, shard, slot).compose(reply -> {
                if (reply.get(0).toString().equals("EMPTY")) {
                    emptyShards.mark(rain.configCode(), shard);
                    return borrow(rain, userId, slot, home, start, next);
                }
                return Future.succeededFuture(outcome(rain, userId, shard, reply));
            });
        }
        // Every shard is empty: the rain is sold out, and it can finish now rather than at endsAt.
        finisher.nudge(rain.configCode());
        return Future.succeededFuture(GrabOutcome.SOLD_OUT);
    }

    private Future<Response> attempt(RainRecord rain, String userId, int shard, int slot) {
        String code = rain.configCode();
        return grab.call(redis, List.of(RainKeys.state(code, shard), RainKeys.packets(code, shard),
                RainKeys.outbox(code, shard), RainKeys.users(code, shard), RainKeys.tapRates(code, shard)),
            userId, rain.maxGrabsPerUser(), slot, tapRate.intervalMicros(), tapRate.burst());
    }

    private GrabOutcome outcome(RainRecord rain, String userId, int shard, Response reply) {
        switch (reply.get(0).toString()) {
            case "WON" -> {
                int index = reply.get(1).toInteger();
                long amount = reply.get(2).toLong();
                if (reply.get(5).toLong() == 0) {
                    emptyShards.mark(rain.configCode(), shard);
                }
                OutboxClaim claim = new OutboxClaim(rain.configCode(), shard, reply.get(3).toString(), index, userId,
                    amount, reply.get(6).toInteger(), reply.get(4).toString());
                relay.offer(claim, rain.roomId(), rain.anchorId());
                return GrabOutcome.won(Ids.packetId(rain.configCode(), index), amount);
            }
            case "LIMIT_REACHED" -> {
                return GrabOutcome.LIMIT_REACHED;
            }
            case "RATE_LIMITED" -> {
                return GrabOutcome.rateLimited(reply.get(1).toLong());
            }
            case "NOT_STARTED" -> {
                return GrabOutcome.NOT_STARTED;
            }
            case "GONE" -> {
                // The rain's keys are gone: finished and released, or never started.
                return rain.startsAt() == null ? GrabOutcome.NOT_STARTED : GrabOutcome.ENDED;
            }
            default -> {
                return GrabOutcome.ENDED;
            }
        }
    }
}
