package dev.rain.settlement.health;

import dev.rain.settlement.loop.SettlementMetrics;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Ready: Postgres answers, and each loop either owns partitions or has polled successfully just now. */
public final class Readiness implements BooleanSupplier {

    /** A loop that has neither partitions nor a recent poll is stuck or cut off from the broker. */
    static final Duration RECENT_POLL = Duration.ofSeconds(30);
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final DataSource database;
    private final List<SettlementMetrics> loops;
    private final Clock clock;

    public Readiness(DataSource database, List<SettlementMetrics> loops, Clock clock) {
        this.database = database;
        this.loops = List.copyOf(loops);
        this.clock = clock;
    }

    @Override
    public boolean getAsBoolean() {
        return consuming() && databaseAnswers();
    }

    boolean consuming() {
        return loops.stream().allMatch(this::consuming);
    }

    private boolean consuming(SettlementMetrics metrics) {
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
