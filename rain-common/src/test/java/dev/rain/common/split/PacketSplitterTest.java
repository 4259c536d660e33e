package dev.rain.common.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.RainMode;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PacketSplitterTest {

    @Test
    @DisplayName("a total smaller than the packet count cannot be split")
    void refusesLessThanOneCentAPacket() {
        assertThrows(IllegalArgumentException.class,
            () -> PacketSplitter.split(RainMode.LUCKY, 9, 10, new StrongRandom()));
    }

    @Test
    @DisplayName("LUCKY packets average to the mean: 200,000 draws of 100 cents over 100 packets")
    void luckyPacketsAverageToTheMean() {
        StrongRandom random = new StrongRandom();
        double[] sumByPosition = new double[100];
        int rounds = 2_000;
        for (int round = 0; round < rounds; round++) {
            long[] packets = PacketSplitter.split(RainMode.LUCKY, 10_000, 100, random);
            for (int i = 0; i < packets.length; i++) {
                sumByPosition[i] += packets[i];
            }
        }
        // Each position's expected value is 100; the first few positions have the widest spread.
        for (int i = 0; i < 90; i++) {
            double mean = sumByPosition[i] / rounds;
            assertTrue(Math.abs(mean - 100) < 8, "position " + i + " averages " + mean);
        }
    }

    @Test
    @DisplayName("the shuffle moves packets: fewer than 1% of 100,000 indexes stay in place")
    void shuffleMovesPackets() {
        int[] order = PacketSplitter.shuffledOrder(100_000, new StrongRandom());
        long fixed = 0;
        for (int i = 0; i < order.length; i++) {
            if (order[i] == i) {
                fixed++;
            }
        }
        // A uniform permutation has one fixed point on average.
        assertTrue(fixed < 1_000, fixed + " fixed points");
    }

    @Test
    @DisplayName("a strong random draw below a bound covers the whole range uniformly")
    void strongRandomIsUniform() {
        StrongRandom random = new StrongRandom();
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[random.nextInt(10)]++;
        }
        assertTrue(Arrays.stream(counts).allMatch(c -> c > 9_400 && c < 10_600), Arrays.toString(counts));
    }

    @Test
    @DisplayName("a draw below a bound just over 2^31 (the 64-bit path) lands in both halves of the range evenly")
    void strongRandomIsUniformAboveTwoToThe31() {
        StrongRandom random = new StrongRandom();
        long bound = (1L << 31) + 7;
        int low = 0;
        for (int i = 0; i < 100_000; i++) {
            if (random.nextLong(bound) < bound / 2) {
                low++;
            }
        }
        assertTrue(low > 49_000 && low < 51_000, low + " of 100,000 in the lower half");
    }

    @Test
    @DisplayName("a million packets split and shuffle with the exact total")
    void millionPacketsKeepTheTotal() {
        StrongRandom random = new StrongRandom();
        long[] packets = PacketSplitter.split(RainMode.LUCKY, 10_000_000_000L, 1_000_000, random);
        assertEquals(10_000_000_000L, Arrays.stream(packets).sum());
        assertEquals(1_000_000, PacketSplitter.shuffledOrder(1_000_000, random).length);
    }
}
