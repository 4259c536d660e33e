package dev.rain.api.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.rain.common.error.ErrorCode;
import io.vertx.core.buffer.Buffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The bytes of a problem+json body, written directly: each code's fixed members are encoded once, and only the
 * detail, field and request id are quoted per answer. Every tap on an ended rain is answered with a problem, and
 * building a JsonObject for Jackson's data binding to encode was about 4 % of the API's CPU on that path.
 * ProblemBodyTest holds the output to what {@code JsonObject.toBuffer()} produced, member for member and in order.
 */
final class ProblemBody {

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    /** {@code {"type":"...","title":"...","status":N,"detail":} of each code. */
    private static final Map<ErrorCode, String> HEADS = new EnumMap<>(ErrorCode.class);

    static {
        for (ErrorCode code : ErrorCode.values()) {
            StringBuilder head = new StringBuilder("{\"type\":\"");
            QUOTE.quoteAsString(code.type(), head);
            head.append("\",\"title\":\"");
            QUOTE.quoteAsString(code.title(), head);
            head.append("\",\"status\":").append(code.status()).append(",\"detail\":");
            HEADS.put(code, head.toString());
        }
    }

    private ProblemBody() {
    }

    /** The body as {@link Problems#send} answers it; {@code field} and {@code requestId} are left out when null. */
    static Buffer encode(ErrorCode code, String detail, String field, String requestId) {
        StringBuilder body = new StringBuilder(256).append(HEADS.get(code));
        if (detail == null) {
            body.append("null");
        } else {
            quoted(body, detail);
        }
        body.append(",\"code\":\"").append(code.name()).append('"');
        member(body, "field", field);
        member(body, "requestId", requestId);
        return Buffer.buffer(body.append('}').toString());
    }

    private static void member(StringBuilder body, String name, String value) {
        if (value != null) {
            quoted(body.append(",\"").append(name).append("\":"), value);
        }
    }

    /**
     * A JSON string as Jackson's UTF-8 generator writes it: every surrogate, paired or not, as {@code \\uXXXX}
     * (characters beyond the BMP as their escaped pair); everything else quoted by Jackson's own encoder.
     */
    private static void quoted(StringBuilder body, String value) {
        body.append('"');
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                QUOTE.quoteAsString(value.substring(from, i), body);
                body.append(String.format("\\u%04X", (int) c));
                from = i + 1;
            }
        }
        QUOTE.quoteAsString(from == 0 ? value : value.substring(from), body);
        body.append('"');
    }
}
