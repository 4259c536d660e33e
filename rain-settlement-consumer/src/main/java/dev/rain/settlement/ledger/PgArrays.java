package dev.rain.settlement.ledger;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Columns of a batch as Postgres arrays: one bound parameter per column, expanded by {@code unnest}, so a
 * batch of any size is one round trip per statement.
 */
final class PgArrays {

    private PgArrays() {
    }

    static <T> Array text(Connection c, Collection<T> rows, Function<T, String> column) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(column).toArray(String[]::new));
    }

    static Array text(Connection c, Collection<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray(String[]::new));
    }

    static <T> Array bigint(Connection c, Collection<T> rows, ToLongFunction<T> column) throws SQLException {
        return c.createArrayOf("bigint", rows.stream().map(row -> column.applyAsLong(row)).toArray(Long[]::new));
    }

    /** Integers where 0 means SQL NULL (a refund has no grab slot). */
    static <T> Array integerOrNull(Connection c, Collection<T> rows, ToIntFunction<T> column) throws SQLException {
        return c.createArrayOf("integer", rows.stream()
            .map(row -> {
                int value = column.applyAsInt(row);
                return value == 0 ? null : value;
            })
            .toArray(Integer[]::new));
    }

    static <T> Array integer(Connection c, Collection<T> rows, ToIntFunction<T> column) throws SQLException {
        return c.createArrayOf("integer", rows.stream().map(row -> column.applyAsInt(row)).toArray(Integer[]::new));
    }

    /** Instants as ISO-8601 UTC text, cast to {@code timestamptz[]} in the statement. */
    static <T> Array timestamps(Connection c, List<T> rows, Function<T, Instant> column) throws SQLException {
        return c.createArrayOf("text", rows.stream().map(row -> column.apply(row).toString()).toArray(String[]::new));
    }
}
