package dev.rain.bench;

import dev.rain.common.RainMode;
import dev.rain.common.split.PacketSplitter;
import dev.rain.common.split.ShardDeal;
import dev.rain.common.split.StrongRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The CPU part of a prepare: split, shuffle and encode a million packets, as the prepare does (ShardDeal). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class SplitterBench {

    @Param({"1000000"})
    int count;

    @Benchmark
    public long[] splitLucky() {
        return PacketSplitter.split(RainMode.LUCKY, 100L * count, count, new StrongRandom());
    }

    @Benchmark
    public int[] shuffle() {
        return PacketSplitter.shuffledOrder(count, new StrongRandom());
    }

    /** What the prepare's worker does: split, shuffle and encode, shard by shard of 10,000. */
    @Benchmark
    public long splitShuffleEncode() {
        long[] sum = new long[1];
        ShardDeal.deal(RainMode.LUCKY, 100L * count, count, (count + 9_999) / 10_000, new StrongRandom(),
            shard -> sum[0] += shard.sum());
        return sum[0];
    }
}
