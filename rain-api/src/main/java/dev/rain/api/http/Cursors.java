package dev.rain.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opaque page cursors: base64url, without padding, of a short ASCII text. A cursor is taken only exactly as it
 * was issued: the URL-safe alphabet, the canonical encoding of a text of the list's own shape. Padding, leading
 * garbage the decoder would forgive, another list's cursor: refused, so two different strings never mean the
 * same page and nothing that was not issued reaches a query.
 */
final class Cursors {

    /** Base64url of at most 90 characters of text. */
    private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9_-]{2,120}");

    private Cursors() {
    }

    static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The text of {@code raw} matched against {@code shape}; refuses anything else as a bad {@code after}. The
     * caller still compares its re-encoded value with {@code raw} where the shape admits two spellings of a value.
     */
    static Matcher decode(String raw, Pattern shape) {
        try {
            if (ALPHABET.matcher(raw).matches()) {
                String text = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII);
                Matcher matcher = shape.matcher(text);
                if (matcher.matches() && encode(text).equals(raw)) {
                    return matcher;
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 after all: refused below
        }
        throw refused();
    }

    static FieldException refused() {
        return new FieldException("after", "after must be a cursor returned as next");
    }
}
