package dev.rain.common.split;

import dev.rain.common.RainMode;
import java.util.function.Consumer;

/**
 * A rain's packets dealt to its shards, ready to load: split, shuffled once over the whole rain with
 * the strong source, cut into shard-sized runs of the shuffled order, and encoded shard by shard.
 *
 * <p>Each shard goes to the consumer as soon as it is encoded, so the caller loads the first shards
 * while the rest are still being encoded. The shuffle stays global, one uniform permutation cut into
 * consecutive runs: which shard a packet lands in and where in that list are both random. Shuffling
 * only within shards would hand each shard a slice of the split order, and the double-average draws
 * are not identically distributed along it (the last packet takes the rest).
 */
public final class ShardDeal {

    private ShardDeal() {
    }

    /** One shard's packets in load order, each {@code index:amount} in ASCII, and the sum of their amounts. */
    public record Shard(int shard, byte[][] packets, long sum) {
    }

    public static void deal(RainMode mode, long totalAmount, int totalCount, int shardCount, StrongRandom random,
                            Consumer<Shard> consumer) {
        long[] amounts = PacketSplitter.split(mode, totalAmount, totalCount, random);
        int[] order = PacketSplitter.shuffledOrder(totalCount, random);
        for (int shard = 0; shard < shardCount; shard++) {
            int start = ShardLayout.shardStart(totalCount, shardCount, shard);
            int size = ShardLayout.shardSize(totalCount, shardCount, shard);
            // The shard's amounts are gathered in a loop of their own: there the random reads into the
            // 8 MB of amounts overlap; inside the encoding loop each one stalled it (encoding 3-5x slower).
            long[] shardAmounts = new long[size];
            long sum = 0;
            for (int i = 0; i < size; i++) {
                shardAmounts[i] = amounts[order[start + i]];
                sum += shardAmounts[i];
            }
            byte[][] packets = new byte[size][];
            for (int i = 0; i < size; i++) {
                packets[i] = encode(order[start + i], shardAmounts[i]);
            }
            consumer.accept(new Shard(shard, packets, sum));
        }
    }

    /** {@code index:amount} in ASCII, written digit by digit: no String per packet. */
    public static byte[] encode(int index, long amount) {
        int indexDigits = digits(index);
        byte[] bytes = new byte[indexDigits + 1 + digits(amount)];
        writeDigits(bytes, indexDigits, index);
        bytes[indexDigits] = ':';
        writeDigits(bytes, bytes.length, amount);
        return bytes;
    }

    private static int digits(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /** Writes the decimal digits of a non-negative {@code value} so that the last one lands at {@code end - 1}. */
    private static void writeDigits(byte[] bytes, int end, long value) {
        int at = end;
        do {
            bytes[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
    }
}
