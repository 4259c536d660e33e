package dev.rain.settlement.health;

import dev.rain.settlement.kafka.SettlementMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Ready: Postgres answers, and the loop either owns partitions or has polled successfully just now. */
public final class Readiness implements BooleanSupplier {

    /** A loop that has neither partitions nor a recent poll is stuck or cut off from the broker. */
    static final Duration RECENT_POLL = Duration.ofSeconds(30);
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final DataSource database;
    private final SettlementMetrics metrics;
    private final Clock clock;

    public Readiness(DataSource database, SettlementMetrics metrics, Clock clock) {
        this.database = database;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public boolean getAsBoolean() {
        return consuming() && databaseAnswers();
    }

    boolean consuming() {
        long sinceLastPoll = clock.millis() - metrics.lastPollMillis();
        return metrics.assignedPartitions() > 0
            || metrics.lastPollMillis() > 0 && sinceLastPoll <= RECENT_POLL.toMillis();
    }

    private boolean databaseAnswers() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            statement.execute("select 1");
            connection.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
