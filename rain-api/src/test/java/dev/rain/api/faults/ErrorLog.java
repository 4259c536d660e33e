package dev.rain.api.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What this JVM logs at ERROR while it is open: a fault the suite causes on purpose is no error of its own. */
final class ErrorLog implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    ErrorLog() {
        events.start();
        root.addAppender(events);
    }

    /** "logger: message" of each ERROR event so far. */
    List<String> errors() {
        return events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
            .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        root.detachAppender(events);
        events.stop();
    }
}
