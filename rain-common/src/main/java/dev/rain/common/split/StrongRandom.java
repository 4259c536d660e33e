package dev.rain.common.split;

import java.security.SecureRandom;

/**
 * Uniform integers from a cryptographically strong source, read in bulk.
 *
 * <p>A million-packet prepare needs two million draws; asking {@link SecureRandom} for them one at a
 * time costs a lock and a call each. Pulling 64 KiB at a time keeps the strong source and makes the
 * draw a few array reads. Not thread-safe: one instance per prepare.
 */
public final class StrongRandom {

    private final SecureRandom source;
    private final byte[] buffer = new byte[1 << 16];
    private int position = buffer.length;

    public StrongRandom(SecureRandom source) {
        this.source = source;
    }

    public StrongRandom() {
        this(new SecureRandom());
    }

    public long nextLong() {
        if (position + Long.BYTES > buffer.length) {
            source.nextBytes(buffer);
            position = 0;
        }
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            value = (value << 8) | (buffer[position++] & 0xFF);
        }
        return value;
    }

    /** Uniform in {@code [0, bound)}, without modulo bias (Lemire's multiply-and-reject). */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long x = nextLong();
        long high = unsignedHigh(x, bound);
        long low = x * bound;
        if (Long.compareUnsigned(low, bound) < 0) {
            long threshold = Long.remainderUnsigned(-bound, bound);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = nextLong();
                high = unsignedHigh(x, bound);
                low = x * bound;
            }
        }
        return high;
    }

    /** The high 64 bits of the unsigned 128-bit product; {@code bound} is positive (Java 17 lacks the JDK method). */
    private static long unsignedHigh(long x, long bound) {
        return Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
    }

    public int nextInt(int bound) {
        return (int) nextLong(bound);
    }
}
