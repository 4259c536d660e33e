package dev.rain.common.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.RainMode;
import java.util.Arrays;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class PacketSplitterPropertiesTest {

    private final StrongRandom random = new StrongRandom();

    @Property(tries = 3000)
    @Label("a LUCKY split sums exactly to the total, every packet holds at least one cent")
    void luckySumsExactly(@ForAll @IntRange(min = 1, max = 2_000) int count,
                          @ForAll @LongRange(min = 1, max = 10_000_000_000L) long total) {
        Assume.that(total >= count);
        long[] packets = PacketSplitter.split(RainMode.LUCKY, total, count, random);
        assertEquals(count, packets.length);
        assertEquals(total, Arrays.stream(packets).sum());
        assertTrue(Arrays.stream(packets).allMatch(p -> p >= 1), "a packet below one cent");
    }

    @Property(tries = 3000)
    @Label("every LUCKY packet but the last stays below twice the running average")
    void luckyStaysUnderTwiceTheRunningAverage(@ForAll @IntRange(min = 2, max = 2_000) int count,
                                               @ForAll @LongRange(min = 1, max = 10_000_000_000L) long total) {
        Assume.that(total >= count);
        long[] packets = PacketSplitter.split(RainMode.LUCKY, total, count, random);
        long left = total;
        for (int i = 0; i < count - 1; i++) {
            int packetsLeft = count - i;
            // amount <= floor(2m/n) - 1, or exactly 1 when that bound is below 1
            long bound = Math.max(1, 2 * left / packetsLeft - 1);
            assertTrue(packets[i] <= bound, "packet " + i + " = " + packets[i] + " above " + bound);
            assertTrue(packets[i] * packetsLeft < 2 * left || packets[i] == 1, "packet " + i + " not under 2x average");
            left -= packets[i];
        }
        assertEquals(left, packets[count - 1]);
    }

    @Property(tries = 3000)
    @Label("an EQUAL split differs by at most one cent, the remainder going to the first packets")
    void equalSplitsTheRemainderOverTheFirstPackets(@ForAll @IntRange(min = 1, max = 2_000) int count,
                                                    @ForAll @LongRange(min = 1, max = 10_000_000_000L) long total) {
        Assume.that(total >= count);
        long[] packets = PacketSplitter.split(RainMode.EQUAL, total, count, random);
        assertEquals(total, Arrays.stream(packets).sum());
        long base = total / count;
        long remainder = total % count;
        for (int i = 0; i < count; i++) {
            assertEquals(base + (i < remainder ? 1 : 0), packets[i], "packet " + i);
        }
    }

    @Property(tries = 1000)
    @Label("the load order is a permutation of every packet index")
    void shuffledOrderIsAPermutation(@ForAll @IntRange(min = 1, max = 5_000) int count) {
        int[] order = PacketSplitter.shuffledOrder(count, random);
        boolean[] seen = new boolean[count];
        for (int index : order) {
            assertTrue(!seen[index], "index " + index + " twice");
            seen[index] = true;
        }
    }

    @Property(tries = 200)
    @Label("shard sizes cover every packet exactly once and differ by at most one")
    void shardsCoverEveryPacket(@ForAll @IntRange(min = 1, max = 1_000_000) int count,
                                @ForAll @IntRange(min = 1, max = 20_000) int perShard,
                                @ForAll @IntRange(min = 1, max = 256) int maxShards) {
        int shards = ShardLayout.shardCount(count, perShard, maxShards);
        assertTrue(shards >= 1 && shards <= maxShards);
        int covered = 0;
        for (int s = 0; s < shards; s++) {
            assertEquals(covered, ShardLayout.shardStart(count, shards, s));
            covered += ShardLayout.shardSize(count, shards, s);
        }
        assertEquals(count, covered);
    }
}
