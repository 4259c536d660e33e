package dev.rain.api.rain;

import dev.rain.common.RainMode;
import dev.rain.common.split.PacketSplitter;
import dev.rain.common.split.ShardLayout;
import dev.rain.common.split.StrongRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A rain's packets cut into load batches: split, shuffled with a strong random source, then dealt out
 * to the shards in shuffled order. Built on a worker thread; a million packets take a fraction of a
 * second.
 */
final class PacketPlan {

    /** One RPUSH worth of packets for one shard, with the sum the shard's counter must grow by. */
    record Batch(int shard, List<byte[]> packets, long sum) {
    }

    private final int shardCount;
    private final int totalCount;
    private final List<List<Batch>> batchesByShard;

    private PacketPlan(int shardCount, int totalCount, List<List<Batch>> batchesByShard) {
        this.shardCount = shardCount;
        this.totalCount = totalCount;
        this.batchesByShard = batchesByShard;
    }

    static PacketPlan build(RainMode mode, long totalAmount, int totalCount, int shardCount, int batchSize) {
        StrongRandom random = new StrongRandom();
        long[] amounts = PacketSplitter.split(mode, totalAmount, totalCount, random);
        int[] order = PacketSplitter.shuffledOrder(totalCount, random);
        List<List<Batch>> byShard = new ArrayList<>(shardCount);
        for (int shard = 0; shard < shardCount; shard++) {
            int start = ShardLayout.shardStart(totalCount, shardCount, shard);
            int end = start + ShardLayout.shardSize(totalCount, shardCount, shard);
            List<Batch> batches = new ArrayList<>();
            for (int from = start; from < end; from += batchSize) {
                int to = Math.min(end, from + batchSize);
                List<byte[]> packets = new ArrayList<>(to - from);
                long sum = 0;
                for (int position = from; position < to; position++) {
                    int index = order[position];
                    packets.add((index + ":" + amounts[index]).getBytes(StandardCharsets.US_ASCII));
                    sum += amounts[index];
                }
                batches.add(new Batch(shard, packets, sum));
            }
            byShard.add(batches);
        }
        return new PacketPlan(shardCount, totalCount, byShard);
    }

    int shardCount() {
        return shardCount;
    }

    int shardSize(int shard) {
        return ShardLayout.shardSize(totalCount, shardCount, shard);
    }

    List<Batch> batches(int shard) {
        return batchesByShard.get(shard);
    }
}
