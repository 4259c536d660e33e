package dev.rain.common.split;

import dev.rain.common.RainMode;

/**
 * Splits a rain's total into packets and fixes the order in which they will be handed out.
 *
 * <p>Packet {@code i} of the result is packet index {@code i} (its packetId), in split order. The
 * order in which packets are loaded into Redis, and so popped, is a separate strong shuffle, so a
 * packet's position in the lists says nothing about its amount.
 */
public final class PacketSplitter {

    private PacketSplitter() {
    }

    /**
     * @throws IllegalArgumentException when a packet could not get at least one cent
     */
    public static long[] split(RainMode mode, long totalAmount, int totalCount, StrongRandom random) {
        if (totalCount < 1 || totalAmount < totalCount) {
            throw new IllegalArgumentException(
                "cannot split " + totalAmount + " into " + totalCount + " packets of at least 1");
        }
        return mode == RainMode.EQUAL
            ? equal(totalAmount, totalCount)
            : lucky(totalAmount, totalCount, random);
    }

    /**
     * Double average: with {@code m} cents and {@code n} packets left, the next packet is uniform in
     * {@code [1, floor(2m/n) - 1]}, the last takes the rest. Because {@code m >= n} holds on entry, it
     * holds after every draw, so no packet is ever left with less than a cent.
     */
    static long[] lucky(long totalAmount, int totalCount, StrongRandom random) {
        long[] amounts = new long[totalCount];
        long left = totalAmount;
        for (int i = 0; i < totalCount - 1; i++) {
            int packetsLeft = totalCount - i;
            long upper = Math.max(1, 2 * left / packetsLeft - 1);
            long amount = 1 + random.nextLong(upper);
            amounts[i] = amount;
            left -= amount;
        }
        amounts[totalCount - 1] = left;
        return amounts;
    }

    static long[] equal(long totalAmount, int totalCount) {
        long base = totalAmount / totalCount;
        long remainder = totalAmount % totalCount;
        long[] amounts = new long[totalCount];
        for (int i = 0; i < totalCount; i++) {
            amounts[i] = base + (i < remainder ? 1 : 0);
        }
        return amounts;
    }

    /** A uniformly random permutation of {@code 0..count-1} (Fisher-Yates with the strong source). */
    public static int[] shuffledOrder(int count, StrongRandom random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
