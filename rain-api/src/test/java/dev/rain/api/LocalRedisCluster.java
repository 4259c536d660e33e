package dev.rain.api;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local three-master Redis Cluster that {@code ./rainctl test} starts, and a way to ask each master
 * directly what it holds (not through the cluster client, which would hide where a key lives).
 */
final class LocalRedisCluster implements AutoCloseable {

    /** Exported by {@code ./rainctl test}, printed by {@code ./rainctl cluster}; the API itself never reads it. */
    static final String VARIABLE = "RAIN_TEST_REDIS_CLUSTER_NODES";

    private static final long NOT_MINE = -1;

    private final String nodes;
    private final Vertx vertx = Vertx.vertx();
    private final Map<String, Redis> masters = new LinkedHashMap<>();

    private LocalRedisCluster(String nodes) {
        this.nodes = nodes;
        for (String node : nodes.split(",")) {
            masters.put(node.trim(), Redis.createClient(vertx, node.trim()));
        }
    }

    static LocalRedisCluster fromEnvironment() {
        String nodes = System.getenv(VARIABLE);
        if (nodes == null || nodes.isBlank()) {
            throw new IllegalStateException(VARIABLE + " is not set: these tests need the local Redis Cluster. Start it "
                + "with `./rainctl cluster` and `eval \"$(./rainctl env)\"`, or run the suite with `./rainctl test`.");
        }
        return new LocalRedisCluster(nodes);
    }

    /** What the API needs to run on this cluster, with {@code more} variables added. */
    Map<String, String> apiEnvironment(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("RAIN_REDIS_CLUSTER_NODES", nodes);
        return env;
    }

    /** The nodes, each asserted to be a master that sees a healthy cluster. */
    List<String> masters() throws Exception {
        for (Map.Entry<String, Redis> master : masters.entrySet()) {
            Response role = send(master.getValue(), Request.cmd(Command.ROLE));
            if (!"master".equals(role.get(0).toString())) {
                throw new AssertionError(master.getKey() + " is not a master: " + role);
            }
            String info = send(master.getValue(), Request.cmd(Command.CLUSTER).arg("INFO")).toString();
            if (!info.contains("cluster_state:ok")) {
                throw new AssertionError(master.getKey() + " does not see a healthy cluster: " + info);
            }
        }
        return new ArrayList<>(masters.keySet());
    }

    /**
     * Packets in each master's own lists of the rain, asking every master about every shard: a master
     * answers for the shards whose slot it owns and redirects (MOVED) for the others.
     */
    ShardPlacement placement(String code, int shardCount) throws Exception {
        Map<String, Long> packets = new LinkedHashMap<>();
        int[] owners = new int[shardCount];
        for (Map.Entry<String, Redis> master : masters.entrySet()) {
            long held = 0;
            for (int shard = 0; shard < shardCount; shard++) {
                long length = master.getValue().send(Request.cmd(Command.LLEN).arg(RainKeys.packets(code, shard)))
                    .map(Response::toLong)
                    .recover(e -> e.getMessage() != null && e.getMessage().startsWith("MOVED")
                        ? Future.succeededFuture(NOT_MINE) : Future.failedFuture(e))
                    .await(10, TimeUnit.SECONDS);
                if (length != NOT_MINE) {
                    held += length;
                    owners[shard]++;
                }
            }
            packets.put(master.getKey(), held);
        }
        return new ShardPlacement(packets, owners);
    }

    /** Every master forgets its cached scripts, as after a restart or a failover to a fresh node. */
    void flushScripts() throws Exception {
        for (Redis master : masters.values()) {
            send(master, Request.cmd(Command.SCRIPT).arg("FLUSH"));
        }
    }

    /** Where a rain's shards live: packets per master, and how many masters own each shard (one, always). */
    record ShardPlacement(Map<String, Long> packetsByMaster, int[] ownersByShard) {
    }

    private static Response send(Redis redis, Request request) throws Exception {
        return redis.send(request).await(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        for (Redis master : masters.values()) {
            master.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
