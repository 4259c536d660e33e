package dev.rain.api.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs work on a given event loop's context, as the API's handlers do, and hands its outcome to the test thread. */
final class OnEventLoop {

    private OnEventLoop() {
    }

    static <T> CompletableFuture<T> run(Context context, Supplier<Future<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> work.get().onComplete(done -> {
            if (done.succeeded()) {
                result.complete(done.result());
            } else {
                result.completeExceptionally(done.cause());
            }
        }));
        return result;
    }
}
