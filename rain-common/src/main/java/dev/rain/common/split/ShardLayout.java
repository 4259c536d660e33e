package dev.rain.common.split;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * How a rain is cut into shards: how many, which packets go where, which shard is a viewer's home.
 *
 * <p>One list per shard keeps every Redis value small (no big key to block Redis on delete) and,
 * on Redis Cluster, spreads a rain's grabs over the masters.
 */
public final class ShardLayout {

    private ShardLayout() {
    }

    /** One shard per {@code packetsPerShard} packets, at least one, at most {@code maxShards}. */
    public static int shardCount(int totalCount, int packetsPerShard, int maxShards) {
        int wanted = (int) ((totalCount + (long) packetsPerShard - 1) / packetsPerShard);
        return Math.max(1, Math.min(maxShards, wanted));
    }

    /** How many of {@code totalCount} shuffled packets shard {@code shard} holds; sizes differ by at most one. */
    public static int shardSize(int totalCount, int shardCount, int shard) {
        return totalCount / shardCount + (shard < totalCount % shardCount ? 1 : 0);
    }

    /** The first load position of shard {@code shard} within the shuffled order. */
    public static int shardStart(int totalCount, int shardCount, int shard) {
        int base = totalCount / shardCount;
        int extra = totalCount % shardCount;
        return shard * base + Math.min(shard, extra);
    }

    /** The viewer's home shard: where their per-rain grab count lives and where they pop first. */
    public static int homeShard(String userId, int shardCount) {
        CRC32C crc = new CRC32C();
        crc.update(userId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shardCount);
    }
}
