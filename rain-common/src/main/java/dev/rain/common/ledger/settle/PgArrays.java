package dev.rain.common.ledger.settle;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Columns of a batch as Postgres arrays: one bound parameter per column, expanded by {@code unnest}, so a
 * batch of any size is one round trip per statement.
 *
 * <p>Each is a plain Java array for {@code PreparedStatement.setObject}: pgjdbc sends {@code String[]},
 * {@code long[]}, {@code int[]} and {@code Integer[]} in Postgres's binary array format, where
 * {@code createArrayOf} sends the text literal that the driver quotes and the server parses back, element by
 * element.
 */
final class PgArrays {

    /**
     * {@link #epochMicros} back to {@code timestamptz}, exactly: an interval times a float8 is exact only while the
     * product stays an integer a double can hold, so the microseconds go in three parts (millions of seconds,
     * seconds, microseconds), each product exact over Postgres's whole timestamptz range. Parsing each row's ISO
     * text, as before, cost more than all the other columns of the journal row together.
     */
    static final String FROM_EPOCH_MICROS = "timestamptz 'epoch'"
        + " + (%1$s / 1000000000000) * interval '1000000 seconds'"
        + " + (%1$s %% 1000000000000 / 1000000) * interval '1 second'"
        + " + (%1$s %% 1000000) * interval '1 microsecond'";

    private PgArrays() {
    }

    static <T> String[] text(Collection<T> rows, Function<T, String> column) {
        String[] values = new String[rows.size()];
        int i = 0;
        for (T row : rows) {
            values[i++] = column.apply(row);
        }
        return values;
    }

    static String[] text(Collection<String> values) {
        return values.toArray(String[]::new);
    }

    static <T> long[] bigint(Collection<T> rows, ToLongFunction<T> column) {
        long[] values = new long[rows.size()];
        int i = 0;
        for (T row : rows) {
            values[i++] = column.applyAsLong(row);
        }
        return values;
    }

    /** Integers where 0 means SQL NULL (a refund has no grab slot). */
    static <T> Integer[] integerOrNull(Collection<T> rows, ToIntFunction<T> column) {
        Integer[] values = new Integer[rows.size()];
        int i = 0;
        for (T row : rows) {
            int value = column.applyAsInt(row);
            values[i++] = value == 0 ? null : value;
        }
        return values;
    }

    static <T> int[] integer(Collection<T> rows, ToIntFunction<T> column) {
        int[] values = new int[rows.size()];
        int i = 0;
        for (T row : rows) {
            values[i++] = column.applyAsInt(row);
        }
        return values;
    }

    /** Instants as ISO-8601 UTC text, cast to {@code timestamptz} in the statement. */
    static <T> String[] timestamps(List<T> rows, Function<T, Instant> column) {
        return text(rows, row -> column.apply(row).toString());
    }

    /**
     * Instants already truncated to the microsecond (as every {@link Claim#occurredAt()} is), as microseconds since
     * the epoch; {@link #FROM_EPOCH_MICROS} turns them back into the same {@code timestamptz}.
     */
    static <T> long[] epochMicros(Collection<T> rows, Function<T, Instant> column) {
        return bigint(rows, row -> {
            Instant instant = column.apply(row);
            if (instant.getNano() % 1_000 != 0) {
                throw new IllegalArgumentException("not truncated to the microsecond: " + instant);
            }
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
        });
    }
}
