package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rain.api.config.RainLimits;
import dev.rain.api.ledger.NewRain;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.buffer.Buffer;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of what a client controls most: the raw bytes of a create body, through
 * {@link JsonBody} and the create validation. A refusal must be a {@link RainException} with code
 * INVALID_REQUEST (a {@link FieldException} naming a printable field); any other exception is a crash.
 * An accepted request must be inside every configured limit.
 *
 * <p>Seeds and saved findings: {@code src/test/resources/dev/rain/api/http/CreateRequestFuzzTestInputs/createRequest/}.
 */
class CreateRequestFuzzTest {

    private static final RainLimits LIMITS = RainLimits.defaults();
    /** What goes back to the client must never carry raw control, bidi or non-ASCII characters. */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");

    @DictionaryEntries({"\"roomId\"", "\"totalAmount\"", "\"totalCount\"", "\"mode\"", "\"maxGrabsPerUser\"",
        "\"countdownSeconds\"", "\"durationSeconds\"", "\"LUCKY\"", "\"EQUAL\"", "1000000", "10000000000", "86400",
        "9223372036854775807", "\\u0000", "\\u202e", "1e3", "null", "true"})
    @FuzzTest(maxDuration = "20s")
    void createRequest(byte[] body) {
        NewRain rain;
        try {
            rain = RainRoutes.createRequest("fuzz-anchor", Buffer.buffer(body), LIMITS);
        } catch (FieldException refused) {
            assertNotNull(refused.field());
            assertTrue(PRINTABLE.matcher(refused.field()).matches(), "field echoed raw: " + refused.field());
            assertRefusal(refused);
            return;
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(Ids.isRoomId(rain.roomId()), rain.roomId());
        assertTrue(rain.totalCount() >= 1 && rain.totalCount() <= LIMITS.maxTotalCount(), rain::toString);
        assertTrue(rain.totalAmount() >= rain.totalCount() && rain.totalAmount() <= LIMITS.maxTotalAmount(), rain::toString);
        assertTrue(rain.maxGrabsPerUser() >= 1 && rain.maxGrabsPerUser() <= LIMITS.maxGrabsPerUserLimit(), rain::toString);
        assertTrue(rain.countdownSeconds() >= 0 && rain.countdownSeconds() <= LIMITS.maxCountdownSeconds(), rain::toString);
        assertTrue(rain.durationSeconds() >= 1 && rain.durationSeconds() <= LIMITS.maxDurationSeconds(), rain::toString);
        assertNotNull(rain.mode());
    }

    private static void assertRefusal(RainException refused) {
        assertEquals(ErrorCode.INVALID_REQUEST, refused.code(), refused::detail);
        assertTrue(PRINTABLE.matcher(refused.detail()).matches(), "detail echoed raw input: " + refused.detail());
    }
}
