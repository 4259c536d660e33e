package dev.rain.settlement.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rain.settlement.loop.FailureTriage.Verdict;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FailureTriageTest {

    @ParameterizedTest(name = "SQLSTATE {0}")
    @ValueSource(strings = {"08001", "08006", "40001", "40P01", "57P01", "57P03", "53300", "55P03", "25006"})
    @DisplayName("database errors about the server's situation are transient")
    void transientSqlStates(String state) {
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new SQLException("x", state)));
    }

    @ParameterizedTest(name = "SQLSTATE {0}")
    @ValueSource(strings = {"23505", "23514", "22003", "42P01", "XX000"})
    @DisplayName("database errors about the statement or its data are deterministic")
    void deterministicSqlStates(String state) {
        assertEquals(Verdict.DETERMINISTIC, FailureTriage.of(new SQLException("x", state)));
    }

    @Test
    @DisplayName("a pool that cannot hand out a connection in time is transient")
    void poolTimeout() {
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new SQLTransientConnectionException("timeout")));
    }

    @Test
    @DisplayName("a driver error without SQLSTATE caused by a lost socket is transient")
    void lostSocket() {
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new SQLException("io", (String) null,
            new ConnectException("refused"))));
    }

    @Test
    @DisplayName("a bug in the ledger code is deterministic")
    void bug() {
        assertEquals(Verdict.DETERMINISTIC, FailureTriage.of(new IllegalStateException("bug")));
    }

    @Test
    @DisplayName("a retriable Kafka error, even wrapped by a future, is transient")
    void retriableKafka() {
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new TimeoutException("slow")));
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new ExecutionException(new TimeoutException("slow"))));
    }

    @Test
    @DisplayName("a commit refused because the group rebalanced is transient")
    void commitFailed() {
        assertEquals(Verdict.TRANSIENT, FailureTriage.of(new CommitFailedException()));
    }

    @Test
    @DisplayName("an authorization error is fatal")
    void authorization() {
        assertEquals(Verdict.FATAL, FailureTriage.of(new TopicAuthorizationException("no")));
    }

    @Test
    @DisplayName("a wakeup is the loop being closed")
    void wakeup() {
        assertEquals(Verdict.SHUTDOWN, FailureTriage.of(new WakeupException()));
    }
}
