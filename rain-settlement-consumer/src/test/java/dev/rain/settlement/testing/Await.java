package dev.rain.settlement.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/** Polls a value until it is what the test expects, then fails with the last value seen. */
public final class Await {

    private Await() {
    }

    public static <T> T until(Duration timeout, String what, Callable<T> value, T expected) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.call();
        while (!Objects.equals(last, expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = value.call();
        }
        if (!Objects.equals(last, expected)) {
            throw new AssertionError(what + ": expected " + expected + " within " + timeout.toMillis() + " ms, was "
                + last);
        }
        return last;
    }
}
