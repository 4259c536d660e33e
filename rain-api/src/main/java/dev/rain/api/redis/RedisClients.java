package dev.rain.api.redis;

import dev.rain.api.config.ApiConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisStandaloneConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's Redis clients, for a single Redis or for Redis Cluster ({@code RAIN_REDIS_CLUSTER_NODES}).
 *
 * <p>The code above them needs no cluster branch: every command and script names keys of one hash slot
 * (a shard's keys share the tag {@code {code:shard}}, a rate-limit call the tag of its client), so the
 * cluster client routes each to the master that owns it, and follows MOVED/ASK while slots migrate.
 */
public final class RedisClients {

    private static final Logger LOG = LoggerFactory.getLogger(RedisClients.class);

    private RedisClients() {
    }

    /**
     * The client for commands and scripts, shared by every verticle of the instance: one pipelined
     * connection per event loop ({@link PipelinedRedis}), over a pool that also serves other threads.
     */
    public static Redis commands(Vertx vertx, ApiConfig config) {
        return new PipelinedRedis(pool(vertx, config));
    }

    private static Redis pool(Vertx vertx, ApiConfig config) {
        RedisOptions options = new RedisOptions()
            .setMaxPoolSize(config.redisPoolSize())
            // A burst of taps queues here briefly rather than failing.
            .setMaxPoolWaiting(10_000)
            .setMaxWaitingHandlers(100_000);
        if (config.redisClusterNodes().isEmpty()) {
            return Redis.createClient(vertx, options.setConnectionString(config.redisUrl()));
        }
        LOG.info("Redis Cluster mode, {} seed nodes, masters only", config.redisClusterNodes().size());
        return Redis.createClient(vertx, options.setType(RedisClientType.CLUSTER)
            .setEndpoints(new ArrayList<>(config.redisClusterNodes()))
            // Masters only: a grab, a counter read or a lock must see the latest write, never a lagging replica.
            .setUseReplicas(RedisReplicas.NEVER));
    }

    /**
     * The client of the room subscription: one plain connection at a time. On Redis Cluster a PUBLISH
     * reaches the subscribers of every node, so one node is enough; each reconnect tries the next seed,
     * so the subscription moves on when its node goes away. (A cluster connection would hold one
     * connection per master and report any of them ending, which would subscribe twice.)
     */
    public static Redis subscriber(Vertx vertx, ApiConfig config) {
        List<String> nodes = config.redisClusterNodes();
        if (nodes.isEmpty()) {
            return Redis.createClient(vertx, config.redisUrl());
        }
        RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE);
        AtomicInteger next = new AtomicInteger();
        return Redis.createStandaloneClient(vertx, options, () -> Future.succeededFuture(
            new RedisStandaloneConnectOptions(options)
                .setConnectionString(nodes.get(Math.floorMod(next.getAndIncrement(), nodes.size())))));
    }
}
