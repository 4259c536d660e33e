package dev.rain.settlement.decode;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Reads the one timestamp shape the relay writes, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, without the general
 * {@link java.time.format.DateTimeFormatter} behind {@link Instant#parse}: that formatter was 14 % of the
 * consumer's CPU. Any other text, including shapes {@code Instant.parse} also accepts (offsets, lower-case
 * letters, leap seconds, 24:00, years past 9999), goes to {@code Instant.parse}, so what is accepted and what it
 * means does not change.
 */
final class UtcInstantText {

    private static final int SECONDS_PER_DAY = 86_400;
    /** "yyyy-MM-ddTHH:mm:ss": where the fraction or the Z starts. */
    private static final int SECONDS_END = 19;

    private UtcInstantText() {
    }

    /** @throws DateTimeParseException when the text is not an ISO-8601 instant at all, as {@link Instant#parse} */
    static Instant parse(String text) {
        Instant fast = fastPath(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** @return the instant, or null when the text is not exactly the relay's shape of a real date and time */
    private static Instant fastPath(String text) {
        int length = text.length();
        if (length < SECONDS_END + 1 || length > SECONDS_END + 11 || text.charAt(length - 1) != 'Z'
            || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
            || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = fraction(text, length - 1);
        if (nanos < 0) {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The nanoseconds of "" or ".d{1,9}" between the seconds and {@code end}; -1 for anything else. */
    private static int fraction(String text, int end) {
        if (end == SECONDS_END) {
            return 0;
        }
        if (text.charAt(SECONDS_END) != '.' || end == SECONDS_END + 1) {
            return -1;
        }
        int value = digits(text, SECONDS_END + 1, end);
        if (value < 0) {
            return -1;
        }
        for (int scale = end - SECONDS_END - 1; scale < 9; scale++) {
            value *= 10;
        }
        return value;
    }

    /** The ASCII digits in [from, to) as a number (at most 9 of them), or -1 if any is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
