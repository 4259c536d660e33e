package dev.rain.common.split;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class StrongRandomPropertiesTest {

    private final StrongRandom random = new StrongRandom();

    @Property(tries = 3000)
    @Label("a 32-bit draw stays in [0, bound)")
    void intDrawStaysBelowTheBound(@ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int bound) {
        for (int i = 0; i < 100; i++) {
            int draw = random.nextInt(bound);
            assertTrue(draw >= 0 && draw < bound, draw + " outside [0, " + bound + ")");
        }
    }

    @Property(tries = 3000)
    @Label("a 64-bit draw stays in [0, bound), on both sides of 2^31")
    void longDrawStaysBelowTheBound(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long bound) {
        for (int i = 0; i < 100; i++) {
            long draw = random.nextLong(bound);
            assertTrue(draw >= 0 && draw < bound, draw + " outside [0, " + bound + ")");
        }
    }
}
