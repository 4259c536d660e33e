package dev.rain.settlement.loop;

import dev.rain.common.ledger.settle.BatchResult;
import dev.rain.common.ledger.settle.LedgerWriter;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a batch's ledger transaction on a thread of its own, so that the loop thread commits the previous batch's
 * offsets and polls the next records while the database works, instead of the database waiting for Kafka. The
 * loop starts a transaction only after the previous one has ended and been booked, so batches still reach the
 * ledger one at a time and in order, and an offset is still committed only after its transaction.
 */
final class LedgerInFlight implements AutoCloseable {

    /** A batch whose transaction was started; the loop thread's to await and book. */
    static final class Settling {

        private final Batch batch;
        private final Future<BatchResult> result;
        private boolean booked;

        private Settling(Batch batch, Future<BatchResult> result) {
            this.batch = batch;
            this.result = result;
        }

        Batch batch() {
            return batch;
        }

        /** Waits for the transaction; its failure is rethrown as the ledger threw it. */
        BatchResult await() throws SQLException {
            return Futures.await(result, SQLException.class);
        }

        /** Its result was counted and its offsets handed to the next commit (by the rebalance listener). */
        boolean booked() {
            return booked;
        }

        void markBooked() {
            booked = true;
        }
    }

    private final LedgerWriter ledger;
    /** One thread, and the loop awaits each transaction before it starts the next. */
    private final ExecutorService executor;

    LedgerInFlight(LedgerWriter ledger, String threadName) {
        this.ledger = ledger;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    Settling start(Batch batch) {
        return new Settling(batch, executor.submit(() -> ledger.apply(batch.claims())));
    }

    /** The loop has awaited the last transaction before it closes; a thread still busy ends with its statement. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
