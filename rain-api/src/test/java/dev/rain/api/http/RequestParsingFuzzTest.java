package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rain.api.Jws;
import dev.rain.api.config.JwtConfig;
import dev.rain.api.config.RainLimits;
import dev.rain.common.ledger.NewRain;
import dev.rain.common.ledger.RainListSql;
import dev.rain.common.ledger.ReadSql;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.id.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of everything a client controls before any state is touched: the raw bytes of
 * each request body (create, deposit, grab, and the empty-bodied prepare/start/close), the {@code limit}
 * and {@code after} query values (records and group members), and bearer tokens, both as raw strings and as claims signed with the
 * right secret (so the fuzzer reaches the claim checks a forger never could).
 *
 * <p>Jazzer fuzzes one target per JVM, so this is one target: the input's first byte picks the parser
 * ({@code '0'} create, {@code '1'} deposit, {@code '2'} grab, {@code '3'} steer, {@code '4'} limit,
 * {@code '5'} the records' and the members' cursors, {@code '6'} signed claims, {@code '7'} raw token), the rest is what the client sent.
 * A refusal must be a {@link RainException} with the expected code and a printable detail (a
 * {@link FieldException} naming a printable field); any other exception is a crash. What is accepted must
 * be inside every limit.
 *
 * <p>Seeds and saved findings, replayed as regression tests by every build:
 * {@code src/test/resources/dev/rain/api/http/RequestParsingFuzzTestInputs/requestParsing/}.
 */
class RequestParsingFuzzTest {

    private static final RainLimits LIMITS = RainLimits.defaults();
    /** What goes back to the client must never carry raw control, bidi or non-ASCII characters. */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final String SECRET = "fuzzing-secret-of-at-least-32-bytes!";
    private static final Vertx VERTX = Vertx.vertx();
    private static final Authenticator AUTHENTICATOR = new Authenticator(VERTX, JwtConfig.hs256(SECRET));

    @DictionaryEntries({"\"roomId\"", "\"totalAmount\"", "\"totalCount\"", "\"mode\"", "\"maxGrabsPerUser\"",
        "\"countdownSeconds\"", "\"durationSeconds\"", "\"LUCKY\"", "\"EQUAL\"", "\"amount\"", "\"reference\"",
        "\"sub\"", "\"roles\"", "\"exp\"", "\"nbf\"", "\"iat\"", "\"viewer\"", "\"admin\"", "\"alg\"", "\"HS256\"",
        "1000000", "10000000000", "86400", "9223372036854775807", "4102444800", "\\u0000", "\\u202e", "1e3",
        "null", "true", "eyJhbGciOiJIUzI1NiJ9"})
    @FuzzTest(maxDuration = "20s")
    void requestParsing(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        switch ((input[0] & 0xFF) % 8) {
            case 0 -> create(rest);
            case 1 -> deposit(rest);
            case 2 -> grab(rest);
            case 3 -> steer(rest);
            case 4 -> limit(new String(rest, StandardCharsets.UTF_8));
            case 5 -> {
                cursor(new String(rest, StandardCharsets.UTF_8));
                memberCursor(new String(rest, StandardCharsets.UTF_8));
            }
            case 6 -> signedClaims(rest);
            default -> rawToken(new String(rest, StandardCharsets.UTF_8));
        }
    }

    private static void create(byte[] body) {
        NewRain rain;
        try {
            rain = RainRoutes.createRequest("fuzz-anchor", Buffer.buffer(body), LIMITS);
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

    private static void deposit(byte[] body) {
        WalletRoutes.DepositRequest deposit;
        try {
            deposit = WalletRoutes.depositRequest(Buffer.buffer(body));
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(deposit.amount() >= 1 && deposit.amount() <= WalletRoutes.MAX_DEPOSIT, deposit::toString);
        assertTrue(WalletRoutes.REFERENCE.matcher(deposit.reference()).matches(), deposit::toString);
    }

    private static void grab(byte[] body) {
        String roomId;
        try {
            roomId = GrabRoute.grabRequest(Buffer.buffer(body));
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(Ids.isRoomId(roomId), roomId);
    }

    /** Prepare, start and close take no field: only an empty body or an empty object passes. */
    private static void steer(byte[] body) {
        try {
            JsonBody.parse(Buffer.buffer(body), Set.of());
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        assertTrue(text.isEmpty() || text.replaceAll("\\s", "").equals("{}"), text);
    }

    private static void limit(String raw) {
        int limit;
        try {
            limit = Responses.limit(raw, 100, 500);
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(limit >= 1 && limit <= 500, raw);
        assertTrue(DIGITS.matcher(raw).matches(), "only ASCII digits name a limit: " + raw);
    }

    /** The same bytes as each list's cursor: the records', a list of rains', a wallet's. */
    private static void cursor(String raw) {
        recordsCursor(raw);
        rainListCursor(raw);
        walletCursor(raw);
    }

    private static void rainListCursor(String raw) {
        RainListSql.ListPosition after;
        try {
            after = RainListRoutes.cursor(raw);
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(Ids.isConfigCode(after.configCode()), raw);
        assertEquals(raw, RainListRoutes.encode(after), "one cursor per position");
    }

    private static void walletCursor(String raw) {
        long before;
        try {
            before = WalletRoutes.cursor(raw);
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(before >= 1, raw);
        assertEquals(raw, Cursors.encode(Long.toString(before)), "one cursor per seq");
    }

    private static void recordsCursor(String raw) {
        ReadSql.Position after;
        try {
            after = ReadRoutes.cursor(raw);
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(after.batch() >= 0 && after.seq() >= 0, raw);
        assertEquals(raw, ReadRoutes.encode(after), "one cursor per position");
    }

    private static void memberCursor(String raw) {
        String after;
        try {
            after = GroupRoutes.cursor(raw);
        } catch (RainException refused) {
            assertRefusal(refused);
            return;
        }
        assertTrue(Ids.isUserId(after), raw);
        assertEquals(raw, GroupRoutes.encode(after), "one cursor per member");
    }

    /** Claims signed with the right secret: whatever they say, a Caller of the contract's shape or a 401. */
    private static void signedClaims(byte[] claims) throws Exception {
        String payload = new String(claims, StandardCharsets.UTF_8);
        String token = Jws.hs256(SECRET, payload);
        Caller caller;
        try {
            caller = AUTHENTICATOR.authenticate(token).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof RainException, () -> "not a refusal: " + e.getCause());
            assertEquals(ErrorCode.UNAUTHORIZED, ((RainException) e.getCause()).code());
            return;
        }
        assertTrue(Ids.isUserId(caller.userId()), caller::toString);
        assertTrue(Set.of(Caller.VIEWER, Caller.ANCHOR, Caller.ADMIN).containsAll(caller.roles()), caller::toString);
    }

    /** Anything as a token: never accepted without the secret, never anything but a 401. */
    private static void rawToken(String token) throws Exception {
        try {
            Caller caller = AUTHENTICATOR.authenticate(token).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            throw new AssertionError("a token forged without the secret was accepted: " + caller);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof RainException, () -> "not a refusal: " + e.getCause());
            RainException refused = (RainException) e.getCause();
            assertEquals(ErrorCode.UNAUTHORIZED, refused.code());
            assertTrue(PRINTABLE.matcher(refused.detail()).matches(), refused.detail());
        }
    }

    private static void assertRefusal(RainException refused) {
        assertEquals(ErrorCode.INVALID_REQUEST, refused.code(), refused::detail);
        assertTrue(PRINTABLE.matcher(refused.detail()).matches(), "detail echoed raw input: " + refused.detail());
        if (refused instanceof FieldException field) {
            assertNotNull(field.field());
            assertTrue(PRINTABLE.matcher(field.field()).matches(), "field echoed raw: " + field.field());
        }
    }
}
