package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rain.common.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ProblemBodyTest {

    @Property(tries = 3000)
    @Label("the body is byte for byte what JsonObject.toBuffer() made of the same members")
    void sameBytesAsJsonObject(@ForAll ErrorCode code, @ForAll("texts") String detail,
                               @ForAll("maybeTexts") String field, @ForAll("maybeTexts") String requestId) {
        assertEquals(viaJsonObject(code, detail, field, requestId).toString(),
            ProblemBody.encode(code, detail, field, requestId).toString());
    }

    @Example
    @Label("a null detail is written as JSON null, as JsonObject wrote it")
    void nullDetail() {
        assertEquals(viaJsonObject(ErrorCode.ENDED, null, null, "r1").toString(),
            ProblemBody.encode(ErrorCode.ENDED, null, null, "r1").toString());
    }

    /** Problems.send as it was: the reference. */
    private static io.vertx.core.buffer.Buffer viaJsonObject(ErrorCode code, String detail, String field,
                                                             String requestId) {
        JsonObject body = new JsonObject().put("type", code.type()).put("title", code.title())
            .put("status", code.status()).put("detail", detail).put("code", code.name());
        if (field != null) {
            body.put("field", field);
        }
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        return body.toBuffer();
    }

    /** Quotes, backslashes, control characters, non-ASCII and surrogate pairs, among plain text. */
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("a\"\\/\n\t\u0000\u001f\u007f\u2028é€😀 <>&'").ofMaxLength(40),
            Arbitraries.strings().all().ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> maybeTexts() {
        return texts().injectNull(0.3);
    }
}
