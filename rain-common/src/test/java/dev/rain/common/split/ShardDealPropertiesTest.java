package dev.rain.common.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.RainMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ShardDealPropertiesTest {

    private final StrongRandom random = new StrongRandom();

    @Property(tries = 1000)
    @Label("the dealt shards hold every packet index once, sum exactly to the total, a cent at least each")
    void dealKeepsEveryPacketAndTheTotal(@ForAll RainMode mode,
                                         @ForAll @IntRange(min = 1, max = 20_000) int count,
                                         @ForAll @LongRange(min = 1, max = 10_000_000_000L) long total,
                                         @ForAll @IntRange(min = 1, max = 3_000) int perShard,
                                         @ForAll @IntRange(min = 1, max = 128) int maxShards) {
        Assume.that(total >= count);
        int shardCount = ShardLayout.shardCount(count, perShard, maxShards);
        List<ShardDeal.Shard> shards = new ArrayList<>();
        ShardDeal.deal(mode, total, count, shardCount, random, shards::add);

        assertEquals(shardCount, shards.size());
        boolean[] seen = new boolean[count];
        long sum = 0;
        for (int s = 0; s < shardCount; s++) {
            ShardDeal.Shard shard = shards.get(s);
            assertEquals(s, shard.shard(), "shards come in order");
            assertEquals(ShardLayout.shardSize(count, shardCount, s), shard.packets().length, "shard " + s + " size");
            long shardSum = 0;
            for (byte[] packet : shard.packets()) {
                String[] parts = new String(packet, StandardCharsets.US_ASCII).split(":");
                int index = Integer.parseInt(parts[0]);
                long amount = Long.parseLong(parts[1]);
                assertTrue(!seen[index], "index " + index + " twice");
                seen[index] = true;
                assertTrue(amount >= 1, "a packet below one cent: " + amount);
                shardSum += amount;
            }
            assertEquals(shardSum, shard.sum(), "shard " + s + " carries the sum of its packets");
            sum += shardSum;
        }
        assertEquals(total, sum);
    }

    @Property(tries = 3000)
    @Label("a packet encodes as its index, a colon and its amount, in ASCII digits")
    void encodesIndexAndAmount(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int index,
                               @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long amount) {
        assertArrayEquals((index + ":" + amount).getBytes(StandardCharsets.US_ASCII), ShardDeal.encode(index, amount));
    }
}
