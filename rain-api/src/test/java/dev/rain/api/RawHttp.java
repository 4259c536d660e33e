package dev.rain.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Answers read off a raw socket, for the tests that must control the bytes a client sends and when. */
final class RawHttp {

    private RawHttp() {
    }

    /**
     * Reads one answer as received: status line, headers, and the body its Content-Length announces (none when
     * it announces none, as a 101 before WebSocket frames).
     */
    static byte[] readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed inside an answer's head: " + answer.toString(StandardCharsets.US_ASCII));
            }
            answer.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String length = header(answer.toString(StandardCharsets.US_ASCII), "content-length");
        if (length != null) {
            answer.write(in.readNBytes(Integer.parseInt(length)));
        }
        return answer.toByteArray();
    }

    /** Reads one answer and returns it as text. */
    static String readAnswerText(InputStream in) throws IOException {
        return new String(readAnswer(in), StandardCharsets.UTF_8);
    }

    /** The value of a header in an answer's head, or null; names compare without case. */
    static String header(String answer, String name) {
        int end = answer.indexOf("\r\n\r\n");
        for (String line : answer.substring(0, end < 0 ? answer.length() : end).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
