package dev.rain.api.ledger;

import dev.rain.common.ledger.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Runs ledger transactions on a bounded, named worker pool sized like the connection pool, never on an
 * event loop. The returned future completes on the caller's Vert.x context.
 */
public final class LedgerExecutor implements AutoCloseable {

    private final Database database;
    private final WorkerExecutor executor;

    public LedgerExecutor(Vertx vertx, Database database, int poolSize) {
        this.database = database;
        // Unordered below: independent requests must not queue behind each other on one context.
        this.executor = vertx.createSharedWorkerExecutor("rain-jdbc", poolSize);
    }

    public <T> Future<T> transaction(Database.Work<T> work) {
        return executor.executeBlocking(() -> database.inTransaction(work), false);
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        executor.close();
    }
}
