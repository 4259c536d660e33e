package dev.rain.common.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The Postgres ledger: a bounded connection pool with the schema migrated to the latest version.
 * Every call here blocks; callers on an event loop must hop to their bounded worker executor first.
 */
public final class Database implements AutoCloseable {

    /** A unit of work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource dataSource;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Connects and migrates. Flyway takes an advisory lock, so API and consumer may start together. */
    public static Database connect(PgConfig config, String poolName) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setPoolName(poolName);
        // Money moves only inside explicit transactions; autocommit would make a half-applied batch possible.
        hikari.setAutoCommit(false);
        // Fail fast at start-up with the driver's message instead of hanging on an unreachable host.
        hikari.setInitializationFailTimeout(10_000);
        hikari.setConnectionTimeout(10_000);
        // Server-side prepared statements after the first use: the settlement batch repeats the same few.
        hikari.addDataSourceProperty("prepareThreshold", "1");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        // A partitioned network must fail a call, not hang it forever with the caller still looking alive.
        hikari.addDataSourceProperty("socketTimeout", "30");
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        HikariDataSource dataSource = new HikariDataSource(hikari);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one READ COMMITTED transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailure) {
                    // The first failure is the one callers triage on; the rollback's is kept beside it.
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
