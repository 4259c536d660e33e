package dev.rain.settlement.loop;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;

/** Sorts the loop's failures into what to do about them. */
final class FailureTriage {

    enum Verdict {
        /** close() woke the consumer or interrupted the thread: stop without committing the batch in flight. */
        SHUTDOWN,
        /** Cannot be retried away (authorization, fencing, a bug in the setup): stop the loop, health goes red. */
        FATAL,
        /** The database or broker is away for a while: rewind, back off, retry; no record is to blame. */
        TRANSIENT,
        /** Fails the same way every time: retry a record a few times, then dead-letter it. */
        DETERMINISTIC
    }

    /**
     * SQLSTATE classes and codes that describe the server's situation, not the statement: connection exception
     * (08), transaction rollback (40001 serialization, 40P01 deadlock), insufficient resources (53), operator
     * intervention (57P01 admin shutdown, 57P03 cannot connect now, 57014 cancelled), system error (58), lock not
     * available (55P03), and a read-only transaction (25006) while a failover promotes the new primary.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
    private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "25006");

    private FailureTriage() {
    }

    static Verdict of(Throwable failure) {
        Throwable e = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof WakeupException || e instanceof InterruptException || e instanceof InterruptedException) {
            return Verdict.SHUTDOWN;
        }
        if (e instanceof KafkaException) {
            // A commit refused because the group moved on: the partitions' new owner re-applies, idempotently.
            boolean transientKafka = e instanceof RetriableException || e instanceof CommitFailedException
                || e instanceof RebalanceInProgressException;
            return transientKafka ? Verdict.TRANSIENT : Verdict.FATAL;
        }
        if (e instanceof SQLException sql) {
            return transientSql(sql) ? Verdict.TRANSIENT : Verdict.DETERMINISTIC;
        }
        return Verdict.DETERMINISTIC;
    }

    private static boolean transientSql(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            // The driver lost the socket before any server answer.
            return e.getCause() instanceof IOException;
        }
        return TRANSIENT_STATES.contains(state) || state.length() == 5 && TRANSIENT_CLASSES.contains(state.substring(0, 2));
    }
}
