package dev.rain.common.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rain.common.RainMode;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Coverage-guided fuzzing of the splitter over the contract's whole range (1..1,000,000 packets, at least
 * a cent each, at most 10,000,000,000 cents). The total is derived from the count, so every input is
 * valid and must split without an exception, sum exactly and give every packet at least one cent.
 *
 * <p>The random source is seeded from the input, so a finding replays exactly.
 */
class PacketSplitterFuzzTest {

    private static final int MAX_COUNT = 1_000_000;
    private static final long MAX_AMOUNT = 10_000_000_000L;

    @FuzzTest(maxDuration = "20s")
    void splitSumsExactlyWithACentEach(FuzzedDataProvider data) throws NoSuchAlgorithmException {
        RainMode mode = data.pickValue(RainMode.values());
        // Log-uniform: most runs split a few packets fast, and a million-packet split still comes up.
        int count = data.consumeInt(1, Math.min(MAX_COUNT, 1 << data.consumeInt(0, 20)));
        long total = count + data.consumeLong(0, MAX_AMOUNT - count);
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(data.consumeLong());

        long[] packets = PacketSplitter.split(mode, total, count, new StrongRandom(seeded));

        assertEquals(count, packets.length);
        long sum = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long packet : packets) {
            sum += packet;
            min = Math.min(min, packet);
            max = Math.max(max, packet);
        }
        assertEquals(total, sum, "the packets do not add up to the total");
        assertTrue(min >= 1, "a packet below one cent: " + min);
        if (mode == RainMode.EQUAL) {
            assertTrue(max - min <= 1, "an EQUAL split differs by more than a cent: " + min + ".." + max);
            assertTrue(packets[0] >= packets[count - 1], "EQUAL remainder cents go to the first packets");
        }
    }
}
