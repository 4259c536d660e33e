package dev.rain.api.rain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.Database;
import dev.rain.common.testing.RealServices;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RainCacheIT {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final Database database = Database.connect(RealServices.get().freshDatabase("rain-cache"), "it-rain-cache");
    private final LedgerExecutor ledger = new LedgerExecutor(vertx, database, 2);
    private final RainCache cache = new RainCache(ledger);

    @AfterEach
    void close() throws Exception {
        ledger.close();
        database.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a cached rain answers on the event loop that asks, not on the one whose miss loaded it")
    void hitsAnswerOnTheAskingEventLoop() throws Exception {
        String code = Ids.newConfigCode();
        Context first = ((VertxInternal) vertx).createEventLoopContext();
        Context second = ((VertxInternal) vertx).createEventLoopContext();
        String firstThread = answerThread(first, code).get(10, TimeUnit.SECONDS);
        String secondLoop = on(second, () -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        assertNotEquals(firstThread, secondLoop, "the two contexts run on different event loops");

        assertEquals(secondLoop, answerThread(second, code).get(10, TimeUnit.SECONDS));
        assertEquals(firstThread, answerThread(first, code).get(10, TimeUnit.SECONDS));
    }

    /** On {@code context}: the cache's answer for {@code code} (an unknown rain), and the thread its callback ran on. */
    private CompletableFuture<String> answerThread(Context context, String code) {
        CompletableFuture<String> thread = new CompletableFuture<>();
        context.runOnContext(v -> cache.get(code).onComplete(done -> {
            assertTrue(done.succeeded() && done.result().equals(Optional.empty()), "an unknown rain is none");
            thread.complete(Thread.currentThread().getName());
        }));
        return thread;
    }

    private static CompletableFuture<String> on(Context context, java.util.function.Supplier<String> work) {
        CompletableFuture<String> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(work.get()));
        return result;
    }
}
