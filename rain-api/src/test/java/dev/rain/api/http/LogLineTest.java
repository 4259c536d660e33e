package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** The production log pattern (src/main/resources/logback.xml), applied to events that would break a line. */
class LogLineTest {

    private static String productionPattern() throws IOException {
        try (InputStream in = LogLineTest.class.getResourceAsStream("/logback.xml")) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
            assertTrue(m.find(), "no <pattern> in logback.xml");
            return m.group(1);
        }
    }

    private static String format(LoggingEvent event) throws IOException {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(productionPattern());
        layout.start();
        return layout.doLayout(event);
    }

    private static LoggingEvent event(String message, Throwable failure) {
        Logger logger = new LoggerContext().getLogger("dev.rain.api.http.RequestLog");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, failure, null);
        event.setKeyValuePairs(List.of(new KeyValuePair("requestId", "req-1"), new KeyValuePair("rain", "CODE")));
        return event;
    }

    @Test
    @DisplayName("an event is one line, with its request id and rain code, even with a stack trace")
    void stackTraceStaysOnOneLine() throws IOException {
        String line = format(event("POST /v1/rains/CODE/start 500", new IllegalStateException("boom")));
        assertEquals(1, line.split("\n", -1).length - 1, line);
        assertTrue(line.endsWith("\n"), line);
        assertTrue(line.contains("requestId=req-1 rain=CODE"), line);
        assertTrue(line.contains("java.lang.IllegalStateException: boom | at "), line);
    }

    @Test
    @DisplayName("a line break in a message cannot forge a second log line")
    void messageLineBreaksAreFolded() throws IOException {
        String line = format(event("GET /v1/rains/x\r\n2026-01-01 INFO forged", null));
        assertEquals(1, line.split("\n", -1).length - 1, line);
        assertTrue(line.contains("/v1/rains/x 2026-01-01 INFO forged"), line);
    }
}
