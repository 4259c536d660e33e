package dev.rain.common.ledger;

import java.util.Objects;

/**
 * Where the ledger lives and how many connections a process may hold.
 *
 * @param poolSize upper bound of the Hikari pool; the blocking executor that runs JDBC is sized to match
 */
public record PgConfig(String jdbcUrl, String user, String password, int poolSize) {

    public PgConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        if (poolSize < 1 || poolSize > 200) {
            throw new IllegalArgumentException("pool size must be 1..200, was " + poolSize);
        }
    }

    public PgConfig withUrl(String url) {
        return new PgConfig(url, user, password, poolSize);
    }
}
