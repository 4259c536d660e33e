package dev.rain.settlement.loop;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.common.errors.InterruptException;

/** Waiting for the loop's helper threads, with their failures rethrown as they were thrown. */
final class Futures {

    private Futures() {
    }

    /**
     * @param passedThrough the checked failure the task may throw, rethrown as it is (RuntimeException when none)
     * @throws InterruptException when the waiting thread is interrupted: the loop sorts it as a shutdown
     */
    static <T, X extends Exception> T await(Future<T> future, Class<X> passedThrough) throws X {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (passedThrough.isInstance(cause)) {
                throw passedThrough.cast(cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
