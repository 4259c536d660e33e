package dev.rain.api.rain;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.NewRain;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.RainListSql;
import dev.rain.common.ledger.RainSql;
import java.util.List;
import dev.rain.api.redis.ShardStore;
import dev.rain.common.RainStatus;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * The anchor's side of a rain: create (funded in the same transaction), prepare, start, close, and the
 * detail everyone reads. Ownership is checked here, against the stored rain.
 */
public final class RainService {

    /** How long a close waits for the refund before answering with what it has. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final Vertx vertx;
    private final LedgerExecutor ledger;
    private final ShardStore shards;
    private final PacketLoader loader;
    private final Finisher finisher;
    private final RainCache cache;

    public RainService(Vertx vertx, LedgerExecutor ledger, Redis redis, ShardStore shards, Finisher finisher,
                       RainCache cache, int packetsPerShard, int maxShards) {
        this.vertx = vertx;
        this.ledger = ledger;
        this.shards = shards;
        this.loader = new PacketLoader(vertx, redis, shards, packetsPerShard, maxShards);
        this.finisher = finisher;
        this.cache = cache;
    }

    public Future<RainDetail> create(NewRain rain) {
        return ledger.transaction(c -> RainSql.createFunded(c, rain)).compose(this::detail);
    }

    /**
     * Splits and loads the packets. The status is read again once the prepare lock is held, and the lock
     * is held until Postgres has marked the rain prepared: a prepare that waited on another never resets
     * the shards the first one loaded and had accepted.
     */
    public Future<RainDetail> prepare(String anchorId, String code) {
        return owned(code, anchorId, false)
            .compose(RainService::awaitingPrepare)
            .compose(rain -> loader.underLock(code, token -> reload(code)
                .compose(RainService::awaitingPrepare)
                .compose(current -> loader.load(current, token))
                .compose(loaded -> markPrepared(code, loaded))))
            .onComplete(done -> cache.invalidate(code))
            .compose(this::detail);
    }

    private static Future<RainRecord> awaitingPrepare(RainRecord rain) {
        return rain.status() == RainStatus.WAIT_PREPARE ? Future.succeededFuture(rain)
            : Future.failedFuture(new RainException(ErrorCode.ALREADY_PREPARED, "the rain is " + rain.status()));
    }

    /**
     * Under the lock only a close (or the expiry of an unstarted rain) can have moved the rain on while it
     * loaded; the lists it loaded then back nothing, and are removed.
     */
    private Future<RainRecord> markPrepared(String code, PacketLoader.Loaded loaded) {
        return ledger.transaction(c -> RainSql.markPrepared(c, code, loaded.shardCount(), loaded.token()))
            .compose(marked -> marked ? reload(code)
                : shards.release(code, loaded.shardCount()).compose(released -> reload(code))
                .compose(rain -> Future.failedFuture(new RainException(ErrorCode.ALREADY_PREPARED,
                    "the rain was closed while it was prepared; it is " + rain.status()))));
    }

    public Future<RainDetail> start(String anchorId, String code) {
        return owned(code, anchorId, false)
            .compose(this::checkStartable)
            .compose(rain -> ledger.transaction(c -> RainSql.start(c, code)))
            .compose(started -> started.isPresent() ? finisher.publishStart(started.get()).map(started.get())
                : Future.failedFuture(new RainException(ErrorCode.ALREADY_STARTED, "the rain was already started")))
            .onComplete(done -> cache.invalidate(code))
            .compose(this::detail);
    }

    /** Refuses a start the packets do not back: every shard complete, under the accepted prepare's token. */
    private Future<RainRecord> checkStartable(RainRecord rain) {
        if (rain.status() == RainStatus.WAIT_PREPARE) {
            return Future.failedFuture(new RainException(ErrorCode.NOT_PREPARED, "prepare the rain first"));
        }
        if (rain.status() != RainStatus.PREPARED) {
            return Future.failedFuture(new RainException(ErrorCode.ALREADY_STARTED, "the rain is " + rain.status()));
        }
        return loader.verify(rain, rain.shardCount(), rain.prepareToken())
            .map(rain)
            .recover(broken -> ledger.transaction(c -> {
                RainSql.backToWaitPrepare(c, rain.configCode());
                return null;
            }).compose(reverted -> Future.failedFuture(new RainException(ErrorCode.NOT_PREPARED,
                "the prepared packets are no longer complete in Redis; prepare the rain again"))));
    }

    /** Ends the rain now; answers once the rest is refunded, or after a short wait with what is known. */
    public Future<RainDetail> close(String callerId, boolean admin, String code) {
        return owned(code, callerId, admin)
            .compose(rain -> rain.status() == RainStatus.FINISHED ? Future.succeededFuture()
                // Whichever state a concurrent start left it in: never started, or running.
                : ledger.transaction(c -> RainSql.closeUnstarted(c, code) || RainSql.closeNow(c, code))
                .compose(closed -> finisher.nudge(code)))
            .compose(nudged -> awaitFinished(code, System.currentTimeMillis() + CLOSE_WAIT_MILLIS))
            .onComplete(done -> cache.invalidate(code))
            .compose(this::detail);
    }

    private Future<RainRecord> awaitFinished(String code, long deadline) {
        return reload(code).compose(rain -> {
            if (rain.status() != RainStatus.RUNNING || System.currentTimeMillis() > deadline) {
                return Future.succeededFuture(rain);
            }
            Promise<Void> later = Promise.promise();
            vertx.setTimer(50, id -> later.complete());
            return later.future()
                .compose(waited -> finisher.nudge(code))
                .compose(nudged -> awaitFinished(code, deadline));
        });
    }

    public Future<RainDetail> detail(String code) {
        return reload(code).compose(this::detail);
    }

    public Future<RainDetail> detail(RainRecord rain) {
        if (rain.status() == RainStatus.RUNNING && rain.claimedCount() == null) {
            return shards.counters(rain.configCode(), rain.shardCount()).map(live -> RainDetail.of(rain, live));
        }
        return Future.succeededFuture(RainDetail.of(rain, null));
    }

    /** The anchor's rains, newest first, after {@code after} (null: from the newest). */
    public Future<RainPage> mine(String anchorId, RainListSql.ListPosition after, int limit) {
        return ledger.transaction(c -> RainListSql.byAnchor(c, anchorId, after, limit + 1))
            .compose(rains -> page(rains, limit, false));
    }

    /** The room's rains not finished yet, then its finished ones, each newest first. */
    public Future<RainPage> inRoom(String roomId, RainListSql.ListPosition after, int limit) {
        return ledger.transaction(c -> RainListSql.inRoom(c, roomId, after, limit + 1))
            .compose(rains -> page(rains, limit, true));
    }

    /** One more row than the page was read: it says whether a next page exists, so the last page says null. */
    private Future<RainPage> page(List<RainRecord> rains, int limit, boolean finishedLast) {
        List<RainRecord> shown = rains.subList(0, Math.min(limit, rains.size()));
        RainRecord last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
        RainListSql.ListPosition next = rains.size() <= limit ? null : new RainListSql.ListPosition(
            finishedLast && last.status() == RainStatus.FINISHED, last.createdAt(), last.configCode());
        List<Future<RainDetail>> details = shown.stream().map(this::detail).toList();
        return Future.all(details).map(all -> new RainPage(all.list(), next));
    }

    public Future<RainRecord> find(String code) {
        return reload(code);
    }

    private Future<RainRecord> reload(String code) {
        return ledger.transaction(c -> RainSql.find(c, code))
            .compose(rain -> rain.isPresent() ? Future.succeededFuture(rain.get())
                : Future.failedFuture(new RainException(ErrorCode.RAIN_NOT_FOUND, "no rain " + code)));
    }

    /** Only the rain's own anchor (or an admin, where the contract lets one) may steer it. */
    public Future<RainRecord> owned(String code, String callerId, boolean admin) {
        return reload(code).compose(rain -> admin || rain.anchorId().equals(callerId)
            ? Future.succeededFuture(rain)
            : Future.failedFuture(new RainException(ErrorCode.NOT_OWNER, "the rain belongs to another anchor")));
    }
}
