package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.redis.RainKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile requests against every endpoint. Each one must get its own problem+json answer
 * (status, stable UPPER_SNAKE code, the offending field where there is one) and change nothing: not the
 * ledger, not the rains, not a packet list in Redis.
 *
 * <p>Three rains are the bait: one waiting to be prepared, one prepared, one running for an hour with
 * its packets in Redis. A hostile prepare, start, close or grab that slipped through would move one of
 * them, which the fingerprints taken before and after each case would show.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {

    /** A Redis database of this class's own, so the key fingerprint is not disturbed by other suites. */
    private static final String REDIS_DB = "/7";
    private static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
    private static final String ROOM = "room-hostile";
    private static final int PACKETS = 100;
    private static final String DEPOSIT = "/v1/wallets/hostile-target/deposits";
    private static final String JSON = "application/json";
    private static final String A_CODE = "AAAAAAAAAAAAAAAAAAAAAA";
    /** A group with one member, the bait of the group cases. */
    private static final String GROUP = "/v1/groups/g-hostile/members";

    private enum Who {
        ADMIN, OWNER, VIEWER, NOBODY,
        /** An anchor that does not own the bait rains. */
        OTHER_ANCHOR,
        /** {@code alg: none}, claiming every role. */
        FORGED,
        /** Signed with the secret, every role, expired a minute ago. */
        EXPIRED,
        /** HS512 with the right secret: not the configured algorithm. */
        WRONG_ALG,
        /** Basic credentials instead of a bearer token. */
        BASIC
    }

    /** One hostile request and what it must get. {@code field} is null where the problem names none. */
    record Hostile(String name, String method, String path, Who who, String contentType, byte[] body, boolean chunked,
                   int status, String code, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ApiHarness system;
    private final Map<Who, String> tokens = new java.util.EnumMap<>(Who.class);
    private String waiting;
    private String prepared;
    private String running;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("hostile", Map.of("RAIN_REDIS_URL", redisDb()));
        system.redis().send(Request.cmd(Command.FLUSHDB)).await(10, TimeUnit.SECONDS);
        tokens.put(Who.ADMIN, system.token("hostile-admin", "admin"));
        tokens.put(Who.OWNER, system.token("hostile-anchor", "anchor"));
        tokens.put(Who.VIEWER, system.token("hostile-viewer", "viewer"));
        tokens.put(Who.OTHER_ANCHOR, system.token("hostile-other-anchor", "anchor"));
        String everything = "[\"viewer\",\"anchor\",\"admin\"]";
        tokens.put(Who.FORGED, Jws.unsigned(Jws.claims("hostile-anchor", everything, 3600), ""));
        tokens.put(Who.EXPIRED, Jws.hs256(ApiHarness.SECRET, Jws.claims("hostile-anchor", everything, -60)));
        tokens.put(Who.WRONG_ALG, Jws.hmac("HS512", ApiHarness.SECRET.getBytes(StandardCharsets.UTF_8),
            "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", Jws.claims("hostile-anchor", everything, 3600)));
        system.deposit("hostile-anchor", 1_000_000_000L);
        waiting = create();
        prepared = create();
        post("/v1/rains/" + prepared + "/prepare", 200);
        running = create();
        post("/v1/rains/" + running + "/prepare", 200);
        post("/v1/rains/" + running + "/start", 200);
        system.awaitStatus(running, "RUNNING");
        assertEquals(204, system.client.put(GROUP + "/hostile-member", tokens.get(Who.ADMIN)).status());
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("the table holds at least 150 hostile requests")
    void enoughCases() {
        assertTrue(cases().count() >= 150, "only " + cases().count() + " cases");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    @DisplayName("a hostile request gets its problem+json answer and changes nothing")
    void hostileRequestIsRefusedAndChangesNothing(Hostile c) throws Exception {
        String ledgerBefore = system.ledgerFingerprint();
        String redisBefore = redisFingerprint();
        String membershipsBefore = system.membershipsFingerprint();

        ApiClient.Answer answer = system.client.send(request(c));

        assertEquals(c.status(), answer.status(), answer.raw());
        assertTrue(answer.contentType().startsWith("application/problem+json"), "content type " + answer.contentType());
        JsonObject problem = answer.body();
        assertNotNull(problem, "a JSON object body: " + answer.raw());
        assertNotNull(problem.getString("type"), answer.raw());
        assertNotNull(problem.getString("title"), answer.raw());
        assertEquals(c.status(), problem.getInteger("status"), answer.raw());
        assertTrue(UPPER_SNAKE.matcher(problem.getString("code", "")).matches(), answer.raw());
        assertEquals(c.code(), problem.getString("code"), answer.raw());
        assertEquals(c.field(), problem.getString("field"), answer.raw());

        assertEquals(ledgerBefore, system.ledgerFingerprint(), "the ledger changed");
        assertEquals(redisBefore, redisFingerprint(), "Redis changed");
        assertEquals(membershipsBefore, system.membershipsFingerprint(), "a group changed");
    }

    // ---------------------------------------------------------------------------------------------
    // the table
    // ---------------------------------------------------------------------------------------------

    static Stream<Hostile> cases() {
        List<Hostile> all = new ArrayList<>();
        all.addAll(deposits());
        all.addAll(wallet());
        all.addAll(creates());
        all.addAll(lifecycle());
        all.addAll(grabs());
        all.addAll(reads());
        all.addAll(unknownRoutes());
        all.addAll(badTokens());
        all.addAll(wrongRoles());
        all.addAll(roomEvents());
        all.addAll(charsets());
        all.addAll(groups());
        return all.stream();
    }

    private static List<Hostile> deposits() {
        List<Hostile> c = new ArrayList<>();
        String[][] amounts = {
            {"0", "zero"}, {"-1", "negative"}, {"1.5", "a fraction"}, {"100.0", "a whole fraction"},
            {"1e3", "an exponent"}, {"1E+2", "an upper-case exponent"}, {"\"100\"", "a string"}, {"true", "a boolean"},
            {"null", "null"}, {"[100]", "an array"}, {"{\"v\": 100}", "an object"},
            {"9223372036854775808", "beyond long"}, {"-9223372036854775809", "below long"},
            {"99999999999999999999999999999999", "far beyond long"}, {"1000000000001", "over the deposit cap"},
            {"-9223372036854775808", "long min"}, {"1e400", "an exponent beyond double"}};
        for (String[] a : amounts) {
            c.add(bad("deposit amount " + a[1], "POST", DEPOSIT, Who.ADMIN, deposit(a[0], "\"ref-1\""), "amount"));
        }
        c.add(bad("deposit without amount", "POST", DEPOSIT, Who.ADMIN, "{\"reference\": \"ref-1\"}", "amount"));
        String[][] references = {
            {"\"\"", "empty"}, {"\"" + "r".repeat(129) + "\"", "129 characters"}, {"\"ref 1\"", "with a space"},
            {"\"ref\\u200b1\"", "with a zero-width space"}, {"\"ref\\u00001\"", "with NUL"},
            {"\"r\\u0435f-1\"", "with a Cyrillic homoglyph"}, {"\"ref\\u202e1\"", "with an RTL override"},
            {"\"ref/../1\"", "with slashes"}, {"5", "a number"}, {"null", "null"}, {"[\"ref-1\"]", "an array"}};
        for (String[] r : references) {
            c.add(bad("deposit reference " + r[1], "POST", DEPOSIT, Who.ADMIN, deposit("100", r[0]), "reference"));
        }
        c.add(bad("deposit without reference", "POST", DEPOSIT, Who.ADMIN, "{\"amount\": 100}", "reference"));
        c.add(bad("deposit with an unknown field", "POST", DEPOSIT, Who.ADMIN,
            "{\"amount\": 100, \"reference\": \"ref-1\", \"bonus\": 5}", "bonus"));
        c.add(bad("deposit with a __proto__ field", "POST", DEPOSIT, Who.ADMIN,
            "{\"amount\": 100, \"reference\": \"ref-1\", \"__proto__\": {}}", "__proto__"));
        c.add(bad("deposit with a duplicated amount", "POST", DEPOSIT, Who.ADMIN,
            "{\"amount\": 1, \"reference\": \"ref-1\", \"amount\": 1000000}", "amount"));
        c.add(bad("deposit with an empty JSON body", "POST", DEPOSIT, Who.ADMIN, "", "amount"));
        c.add(bad("deposit in UTF-16", "POST", DEPOSIT, Who.ADMIN, JSON,
            deposit("100", "\"ref-1\"").getBytes(StandardCharsets.UTF_16BE), null));
        c.add(bad("deposit with invalid UTF-8", "POST", DEPOSIT, Who.ADMIN, JSON,
            concat("{\"amount\": 100, \"reference\": \"ref-", new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}"), null));
        c.add(bad("deposit with a UTF-8 byte order mark", "POST", DEPOSIT, Who.ADMIN, JSON,
            concat("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, deposit("100", "\"ref-1\"")), null));
        for (String[] n : notAnObject()) {
            c.add(bad("deposit body " + n[1], "POST", DEPOSIT, Who.ADMIN, n[0], null));
        }
        c.addAll(wrongMedia("deposit", DEPOSIT, Who.ADMIN, deposit("100", "\"ref-1\"")));
        c.add(tooLarge("deposit", DEPOSIT, Who.ADMIN, false));
        c.add(tooLarge("deposit (chunked)", DEPOSIT, Who.ADMIN, true));
        String[][] userIds = {
            {"u".repeat(65), "65 characters"}, {"us%D0%B5r", "a Cyrillic homoglyph"}, {"user%E2%80%8B", "a zero-width space"},
            {"user%E2%80%AE1", "an RTL override"}, {"user%00", "NUL"}, {"a%2Fb", "a percent-encoded slash"},
            {"a%5Cb", "a backslash"}, {"user%20one", "a space"}, {"%EF%BC%A1dmin", "a full-width letter"},
            {"user%0Aone", "a newline"}};
        for (String[] u : userIds) {
            c.add(bad("deposit to a userId with " + u[1], "POST", "/v1/wallets/" + u[0] + "/deposits", Who.ADMIN,
                deposit("100", "\"ref-1\""), "userId"));
        }
        c.add(bad("a bad userId is named before a bad body", "POST", "/v1/wallets/us%D0%B5r/deposits", Who.ADMIN,
            deposit("\"x\"", "\"ref-1\""), "userId"));
        c.add(bad("a bad userId is named before a wrong content type", "POST", "/v1/wallets/us%D0%B5r/deposits", Who.ADMIN,
            "text/plain", deposit("100", "\"ref-1\"").getBytes(StandardCharsets.UTF_8), "userId"));
        return c;
    }

    private static List<Hostile> wallet() {
        List<Hostile> c = new ArrayList<>();
        String[][] limits = {
            {"0", "zero"}, {"201", "over 200"}, {"-1", "negative"}, {"abc", "letters"}, {"", "empty"}, {"1.5", "a fraction"},
            {"1e2", "an exponent"}, {"%2B5", "a plus sign"}, {"%D9%A5", "an Arabic-Indic digit"},
            {"99999999999", "beyond int"}, {"0x10", "hex"}, {"%205", "a leading space"}, {"5%00", "NUL"},
            {"5&limit=6", "given twice"}};
        for (String[] l : limits) {
            c.add(new Hostile("wallet limit " + l[1], "GET", "/v1/wallets/me?limit=" + l[0], Who.VIEWER, null, null, false,
                400, "INVALID_REQUEST", "limit"));
        }
        return c;
    }

    private static List<Hostile> creates() {
        List<Hostile> c = new ArrayList<>();
        String[][] fields = {
            {"totalCount", "0"}, {"totalCount", "-1"}, {"totalCount", "1000001"}, {"totalCount", "1.5"},
            {"totalCount", "\"10\""}, {"totalCount", "null"}, {"totalCount", "2147483648"},
            {"totalCount", "9223372036854775808"}, {"totalCount", "true"}, {"totalCount", "1e1"},
            {"totalAmount", "9"}, {"totalAmount", "0"}, {"totalAmount", "-1000"}, {"totalAmount", "10000000001"},
            {"totalAmount", "1000.0"}, {"totalAmount", "1e3"}, {"totalAmount", "\"1000\""}, {"totalAmount", "null"},
            {"totalAmount", "9223372036854775807"}, {"totalAmount", "99999999999999999999"}, {"totalAmount", "{}"},
            {"maxGrabsPerUser", "0"}, {"maxGrabsPerUser", "101"}, {"maxGrabsPerUser", "-1"},
            {"maxGrabsPerUser", "1.5"}, {"maxGrabsPerUser", "\"1\""}, {"maxGrabsPerUser", "null"},
            {"countdownSeconds", "-1"}, {"countdownSeconds", "301"}, {"countdownSeconds", "3.0"},
            {"countdownSeconds", "\"3\""}, {"countdownSeconds", "null"}, {"countdownSeconds", "[3]"},
            {"durationSeconds", "0"}, {"durationSeconds", "86401"}, {"durationSeconds", "-1"},
            {"durationSeconds", "1e1"}, {"durationSeconds", "null"}, {"durationSeconds", "\"30\""},
            {"mode", "\"lucky\""}, {"mode", "\"Lucky\""}, {"mode", "\"RANDOM\""}, {"mode", "\"\""}, {"mode", "1"},
            {"mode", "null"}, {"mode", "\"LUCKY \""}, {"mode", "\"\\uff2c\\uff35\\uff23\\uff2b\\uff39\""},
            {"mode", "\"EQUAL\\u0000\""}, {"mode", "[\"LUCKY\"]"},
            {"roomId", "\"\""}, {"roomId", "\"" + "r".repeat(65) + "\""}, {"roomId", "\"room 1\""},
            {"roomId", "\"r\\u00f6om\""}, {"roomId", "\"room\\u200b1\""}, {"roomId", "\"room\\u202e1\""},
            {"roomId", "\"room\\u00001\""}, {"roomId", "\"r\\u043e\\u043em\""}, {"roomId", "123"}, {"roomId", "null"},
            {"roomId", "[\"room\"]"}, {"roomId", "\"room/1\""}, {"roomId", "\"room%2F1\""}, {"roomId", "\"room\\n1\""}};
        for (String[] f : fields) {
            c.add(bad("create " + f[0] + " = " + f[1], "POST", "/v1/rains", Who.OWNER, createBody(f[0], f[1]), f[0]));
        }
        for (String required : List.of("roomId", "totalCount", "totalAmount")) {
            c.add(bad("create without " + required, "POST", "/v1/rains", Who.OWNER, createBody(required, null), required));
        }
        c.add(bad("create a million packets of 999,999 cents in all", "POST", "/v1/rains", Who.OWNER,
            createBody("totalCount", "1000000").replace("\"totalAmount\": 1000", "\"totalAmount\": 999999"), "totalAmount"));
        for (String unknown : List.of("status", "anchorId", "configCode", "totalamount", "")) {
            c.add(bad("create with the unknown field '" + unknown + "'", "POST", "/v1/rains", Who.OWNER,
                createBody("roomId", "\"" + ROOM + "\"").replace("{", "{\"" + unknown + "\": \"x\", "), unknown));
        }
        c.add(bad("create with a control character in an unknown field's name", "POST", "/v1/rains", Who.OWNER,
            createBody("roomId", "\"" + ROOM + "\"").replace("{", "{\"a\\u0007b\": 1, "), "a?b"));
        c.add(bad("create with a duplicated totalAmount", "POST", "/v1/rains", Who.OWNER,
            createBody("roomId", "\"" + ROOM + "\"").replace("{", "{\"totalAmount\": 10, "), "totalAmount"));
        c.add(bad("create with an empty JSON body", "POST", "/v1/rains", Who.OWNER, "", "roomId"));
        c.add(bad("create nested 2,000 deep", "POST", "/v1/rains", Who.OWNER,
            "{\"roomId\": " + "[".repeat(2000) + "]".repeat(2000) + "}", null));
        c.add(bad("create with a 5,000-digit amount", "POST", "/v1/rains", Who.OWNER,
            createBody("totalAmount", "1".repeat(5000)), null));
        for (String[] n : notAnObject()) {
            c.add(bad("create body " + n[1], "POST", "/v1/rains", Who.OWNER, n[0], null));
        }
        c.addAll(wrongMedia("create", "/v1/rains", Who.OWNER, createBody("roomId", "\"" + ROOM + "\"")));
        c.add(tooLarge("create", "/v1/rains", Who.OWNER, false));
        c.add(tooLarge("create (chunked)", "/v1/rains", Who.OWNER, true));
        return c;
    }

    private static List<Hostile> lifecycle() {
        List<Hostile> c = new ArrayList<>();
        String[][] steps = {{"prepare", "{waiting}"}, {"start", "{prepared}"}, {"close", "{running}"}};
        for (String[] s : steps) {
            String path = "/v1/rains/" + s[1] + "/" + s[0];
            c.add(bad(s[0] + " with an unknown field", "POST", path, Who.OWNER, "{\"countdownSeconds\": 0}", "countdownSeconds"));
            c.add(bad(s[0] + " with a JSON array", "POST", path, Who.OWNER, "[]", null));
            c.add(bad(s[0] + " with broken JSON", "POST", path, Who.OWNER, "{\"", null));
            c.add(new Hostile(s[0] + " with a text body", "POST", path, Who.OWNER, "text/plain",
                "go".getBytes(StandardCharsets.UTF_8), false, 415, "UNSUPPORTED_MEDIA_TYPE", null));
            c.add(tooLarge(s[0], path, Who.OWNER, false));
            c.add(new Hostile("GET " + s[0], "GET", path, Who.OWNER, null, null, false, 405, "METHOD_NOT_ALLOWED", null));
            for (String[] code : badCodes()) {
                c.add(notFound(s[0] + " a code " + code[1], "POST", "/v1/rains/" + code[0] + "/" + s[0], Who.OWNER));
            }
        }
        c.add(notFound("a bad code is answered before a bad body", "POST", "/v1/rains/" + A_CODE + "%2F/prepare", Who.OWNER));
        return c;
    }

    private static List<Hostile> grabs() {
        List<Hostile> c = new ArrayList<>();
        String path = "/v1/rains/{running}/grab";
        String[][] rooms = {
            {"\"\"", "empty"}, {"null", "null"}, {"1", "a number"}, {"[\"" + ROOM + "\"]", "an array"},
            {"\"r\\u043e\\u043em-hostile\"", "a Cyrillic homoglyph of the room"}, {"\"" + ROOM + "\\u200b\"", "a zero-width tail"},
            {"\"" + ROOM + "\\u202e\"", "an RTL override"}, {"\"" + ROOM + "\\u0000\"", "NUL"}, {"\"" + "r".repeat(65) + "\"", "65 characters"},
            {"\"" + ROOM + " \"", "a trailing space"}, {"\"\\uff52oom-hostile\"", "a full-width letter"}};
        for (String[] r : rooms) {
            c.add(bad("grab roomId " + r[1], "POST", path, Who.VIEWER, "{\"roomId\": " + r[0] + "}", "roomId"));
        }
        c.add(bad("grab without roomId", "POST", path, Who.VIEWER, "{}", "roomId"));
        c.add(bad("grab claiming an amount", "POST", path, Who.VIEWER, "{\"roomId\": \"" + ROOM + "\", \"amount\": 1000000}", "amount"));
        c.add(bad("grab for someone else", "POST", path, Who.VIEWER, "{\"roomId\": \"" + ROOM + "\", \"userId\": \"x\"}", "userId"));
        c.add(bad("grab with a duplicated roomId", "POST", path, Who.VIEWER,
            "{\"roomId\": \"" + ROOM + "\", \"roomId\": \"room-other\"}", "roomId"));
        for (String[] n : notAnObject()) {
            c.add(bad("grab body " + n[1], "POST", path, Who.VIEWER, n[0], null));
        }
        c.addAll(wrongMedia("grab", path, Who.VIEWER, "{\"roomId\": \"" + ROOM + "\"}"));
        c.add(tooLarge("grab", path, Who.VIEWER, false));
        c.add(new Hostile("grab in the wrong room", "POST", path, Who.VIEWER, JSON,
            "{\"roomId\": \"ROOM-HOSTILE\"}".getBytes(StandardCharsets.UTF_8), false, 403, "WRONG_ROOM", null));
        for (String[] code : badCodes()) {
            c.add(notFound("grab a code " + code[1], "POST", "/v1/rains/" + code[0] + "/grab", Who.VIEWER,
                "{\"roomId\": \"" + ROOM + "\"}"));
        }
        c.add(new Hostile("GET grab", "GET", path, Who.VIEWER, null, null, false, 405, "METHOD_NOT_ALLOWED", null));
        return c;
    }

    private static List<Hostile> reads() {
        List<Hostile> c = new ArrayList<>();
        for (String[] code : badCodes()) {
            c.add(notFound("detail of a code " + code[1], "GET", "/v1/rains/" + code[0], Who.VIEWER));
            c.add(notFound("records of a code " + code[1], "GET", "/v1/rains/" + code[0] + "/records", Who.VIEWER));
            c.add(notFound("reconciliation of a code " + code[1], "GET", "/v1/rains/" + code[0] + "/reconciliation", Who.OWNER));
        }
        String[][] limits = {{"0", "zero"}, {"501", "over 500"}, {"-5", "negative"}, {"ten", "letters"}, {"%2B5", "a plus sign"},
            {"%DB%B5", "an extended Arabic-Indic digit"}, {"5&limit=5", "given twice"}, {"", "empty"}};
        for (String[] l : limits) {
            c.add(new Hostile("records limit " + l[1], "GET", "/v1/rains/{running}/records?limit=" + l[0], Who.VIEWER, null, null,
                false, 400, "INVALID_REQUEST", "limit"));
        }
        String[][] cursors = {{"!!!", "not base64"}, {"YWJj", "base64 of letters"}, {"LTE", "base64 of -1"},
            {"KzU", "base64 of +5"}, {"OTk5OTk5OTk5OTk5OTk5OTk5OTk", "base64 beyond long"}, {"", "empty"},
            {"MQ%3D%3D", "padded base64"}, {"MDE", "base64 of 01"}, {"A", "one character"}, {"MQ&after=Mg", "given twice"},
            {"M%E2%80%8BQ", "a zero-width space"}, {"MTIz", "base64 of a seq alone, as cursors were before batches"},
            {"MS4yLjM", "base64 of 1.2.3"}, {"MDEuMg", "base64 of 01.2"}, {"MS4", "base64 of 1."}, {"LjE", "base64 of .1"}};
        for (String[] cursor : cursors) {
            c.add(new Hostile("records after " + cursor[1], "GET", "/v1/rains/{running}/records?after=" + cursor[0], Who.VIEWER,
                null, null, false, 400, "INVALID_REQUEST", "after"));
        }
        c.add(new Hostile("POST reconciliation", "POST", "/v1/rains/{running}/reconciliation", Who.OWNER, JSON,
            "{}".getBytes(StandardCharsets.UTF_8), false, 405, "METHOD_NOT_ALLOWED", null));
        c.add(new Hostile("DELETE a rain", "DELETE", "/v1/rains/{running}", Who.OWNER, null, null, false, 405,
            "METHOD_NOT_ALLOWED", null));
        c.add(new Hostile("PUT a rain", "PUT", "/v1/rains/{running}", Who.OWNER, JSON,
            "{\"status\": \"FINISHED\"}".getBytes(StandardCharsets.UTF_8), false, 405, "METHOD_NOT_ALLOWED", null));
        return c;
    }

    private static List<Hostile> unknownRoutes() {
        List<Hostile> c = new ArrayList<>();
        for (String path : List.of("/v1/nope", "/v1/rains/{running}/nope", "/v1/rains/{running}/grab/extra", "/v1/wallets",
            "/v1/wallets/hostile-target", "/v1/rooms", "/v2/rains", "/health/nope", "/v1/admin/reset")) {
            c.add(new Hostile("GET unknown path " + path, "GET", path, Who.ADMIN, null, null, false, 404, "NOT_FOUND", null));
        }
        c.add(new Hostile("PATCH rains", "PATCH", "/v1/rains", Who.OWNER, JSON, "{}".getBytes(StandardCharsets.UTF_8), false,
            405, "METHOD_NOT_ALLOWED", null));
        c.add(new Hostile("GET rains without mine=true", "GET", "/v1/rains", Who.OWNER, null, null, false, 400,
            "INVALID_REQUEST", "mine"));
        for (String[] list : new String[][] {{"/v1/rains?mine=false", "mine"}, {"/v1/rains?mine=true&mine=true", "mine"},
            {"/v1/rains?mine=true&limit=101", "limit"}, {"/v1/rains?mine=true&after=MC4xLkFB", "after"},
            {"/v1/rooms/room-1/rains?after=MS4xMjM0NTY3LkFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=", "after"},
            {"/v1/rooms/room-1/rains?limit=0", "limit"}, {"/v1/wallets/me?after=MDE", "after"},
            {"/v1/wallets/me?after=NDcxMQ&after=NDcxMQ", "after"}}) {
            c.add(new Hostile("GET list " + list[0], "GET", list[0], Who.OWNER, null, null, false, 400, "INVALID_REQUEST",
                list[1]));
        }
        c.add(new Hostile("DELETE my wallet", "DELETE", "/v1/wallets/me", Who.VIEWER, null, null, false, 405,
            "METHOD_NOT_ALLOWED", null));
        c.add(new Hostile("GET deposits", "GET", DEPOSIT, Who.ADMIN, null, null, false, 405, "METHOD_NOT_ALLOWED", null));
        c.add(new Hostile("no token on a hostile create", "POST", "/v1/rains", Who.NOBODY, JSON,
            "[]".getBytes(StandardCharsets.UTF_8), false, 401, "UNAUTHORIZED", null));
        return c;
    }

    /** Every endpoint, with a token that must not pass: forged, expired, another algorithm, or no bearer at all. */
    private static List<Hostile> badTokens() {
        List<Hostile> c = new ArrayList<>();
        String[][] endpoints = {
            {"POST", DEPOSIT, deposit("100", "\"ref-forged\"")}, {"GET", "/v1/wallets/me", null},
            {"POST", "/v1/rains", createBody("roomId", "\"" + ROOM + "\"")}, {"POST", "/v1/rains/{waiting}/prepare", null},
            {"POST", "/v1/rains/{prepared}/start", null}, {"POST", "/v1/rains/{running}/close", null},
            {"POST", "/v1/rains/{running}/grab", "{\"roomId\": \"" + ROOM + "\"}"}, {"GET", "/v1/rains/{running}", null},
            {"GET", "/v1/rains/{running}/records", null}, {"GET", "/v1/rains/{running}/reconciliation", null}};
        for (String[] e : endpoints) {
            for (Who who : List.of(Who.FORGED, Who.EXPIRED, Who.WRONG_ALG, Who.BASIC)) {
                c.add(new Hostile(e[0] + " " + e[1] + " with a " + who + " token", e[0], e[1], who, e[2] == null ? null : JSON,
                    e[2] == null ? null : e[2].getBytes(StandardCharsets.UTF_8), false, 401, "UNAUTHORIZED", null));
            }
        }
        return c;
    }

    /** A valid token without the role, or an anchor that does not own the rain. */
    private static List<Hostile> wrongRoles() {
        List<Hostile> c = new ArrayList<>();
        c.add(forbidden("a viewer deposits", "POST", DEPOSIT, Who.VIEWER, deposit("100", "\"ref-v\""), "FORBIDDEN"));
        c.add(forbidden("an anchor deposits to itself", "POST", "/v1/wallets/hostile-anchor/deposits", Who.OWNER,
            deposit("100", "\"ref-self\""), "FORBIDDEN"));
        c.add(forbidden("a viewer creates", "POST", "/v1/rains", Who.VIEWER, createBody("roomId", "\"" + ROOM + "\""), "FORBIDDEN"));
        c.add(forbidden("an admin creates", "POST", "/v1/rains", Who.ADMIN, createBody("roomId", "\"" + ROOM + "\""), "FORBIDDEN"));
        c.add(forbidden("the anchor grabs", "POST", "/v1/rains/{running}/grab", Who.OWNER, "{\"roomId\": \"" + ROOM + "\"}",
            "FORBIDDEN"));
        String[][] steps = {{"prepare", "{waiting}"}, {"start", "{prepared}"}, {"close", "{running}"}};
        for (String[] step : steps) {
            String path = "/v1/rains/" + step[1] + "/" + step[0];
            c.add(forbidden("a viewer may not " + step[0], "POST", path, Who.VIEWER, null, "FORBIDDEN"));
            c.add(forbidden("another anchor may not " + step[0], "POST", path, Who.OTHER_ANCHOR, null, "NOT_OWNER"));
        }
        c.add(forbidden("a viewer reads reconciliation", "GET", "/v1/rains/{running}/reconciliation", Who.VIEWER, null, "FORBIDDEN"));
        c.add(forbidden("another anchor reads reconciliation", "GET", "/v1/rains/{running}/reconciliation", Who.OTHER_ANCHOR, null,
            "NOT_OWNER"));
        return c;
    }

    /** The room WebSocket route, with what a plain HTTP client can send (no upgrade). */
    private static List<Hostile> roomEvents() {
        List<Hostile> c = new ArrayList<>();
        c.add(new Hostile("room events without an upgrade", "GET", "/v1/rooms/" + ROOM + "/events", Who.VIEWER, null, null, false,
            400, "INVALID_REQUEST", null));
        String[][] rooms = {{"r".repeat(65), "65 characters"}, {"r%D0%BEom", "a Cyrillic homoglyph"}, {"room%E2%80%8B", "a zero-width space"},
            {"room%E2%80%AE", "an RTL override"}, {"room%00", "NUL"}, {"room%20one", "a space"}, {"a%2Fb", "a percent-encoded slash"}};
        for (String[] r : rooms) {
            c.add(new Hostile("room events of a room id with " + r[1], "GET", "/v1/rooms/" + r[0] + "/events", Who.VIEWER, null, null,
                false, 404, "NOT_FOUND", null));
        }
        // The WebSocket route is mounted ahead of the /v1 chain, whose catch-all routes then match: 404, not 405.
        c.add(new Hostile("POST room events", "POST", "/v1/rooms/" + ROOM + "/events", Who.VIEWER, JSON,
            "{}".getBytes(StandardCharsets.UTF_8), false, 404, "NOT_FOUND", null));
        return c;
    }

    /** JSON labelled with another charset, or two content types: which one a reader believes must not matter. */
    private static List<Hostile> charsets() {
        List<Hostile> c = new ArrayList<>();
        String[][] posts = {{"deposit", DEPOSIT, deposit("100", "\"ref-1\"")}, {"create", "/v1/rains", createBody("roomId", "\"" + ROOM + "\"")},
            {"grab", "/v1/rains/{running}/grab", "{\"roomId\": \"" + ROOM + "\"}"}};
        Who[] who = {Who.ADMIN, Who.OWNER, Who.VIEWER};
        for (int i = 0; i < posts.length; i++) {
            for (String type : List.of("application/json; charset=utf-16", "application/json;charset=ISO-8859-1",
                "application/json; charset=", "application/json, text/plain")) {
                c.add(new Hostile(posts[i][0] + " sent as " + type, "POST", posts[i][1], who[i], type,
                    posts[i][2].getBytes(StandardCharsets.UTF_8), false, 415, "UNSUPPORTED_MEDIA_TYPE", null));
            }
        }
        return c;
    }

    /** Chat groups: ids out of the alphabet, cursors never issued, bodies where none is taken, wrong roles. */
    private static List<Hostile> groups() {
        List<Hostile> c = new ArrayList<>();
        String[][] ids = {{"g".repeat(65), "65 characters"}, {"g%D0%BEup", "a Cyrillic homoglyph"},
            {"g%E2%80%8B", "a zero-width space"}, {"g%E2%80%AE", "an RTL override"}, {"g%00", "NUL"}, {"g%20one", "a space"}};
        for (String[] id : ids) {
            for (String method : List.of("PUT", "DELETE")) {
                c.add(bad(method + " of a group id with " + id[1], method, "/v1/groups/" + id[0] + "/members/u1", Who.ADMIN,
                    null, null, "groupId"));
                c.add(bad(method + " of a user id with " + id[1], method, GROUP + "/" + id[0], Who.ADMIN, null, null, "userId"));
            }
            c.add(bad("members of a group id with " + id[1], "GET", "/v1/groups/" + id[0] + "/members", Who.ADMIN, null,
                null, "groupId"));
        }
        for (String after : List.of("aG9zdGlsZS1tZW1iZXI%3D", "aG9zdGlsZS1tZW1iZXJ", "YmFkIGlk", "AA", "x", "%2B%2F")) {
            c.add(bad("members after a cursor never issued: " + after, "GET", GROUP + "?after=" + after, Who.ADMIN, null,
                null, "after"));
        }
        c.add(bad("members with limit 501", "GET", GROUP + "?limit=501", Who.ADMIN, null, null, "limit"));
        for (String method : List.of("PUT", "DELETE")) {
            c.add(bad(method + " of a member with a field in the body", method, GROUP + "/hostile-new", Who.ADMIN,
                "{\"role\": \"owner\"}", "role"));
            c.add(new Hostile(method + " of a member with a text body", method, GROUP + "/hostile-new", Who.ADMIN,
                "text/plain", "owner".getBytes(StandardCharsets.UTF_8), false, 415, "UNSUPPORTED_MEDIA_TYPE", null));
            c.add(forbidden("a viewer may not " + method + " a member", method, GROUP + "/hostile-viewer", Who.VIEWER, null,
                "FORBIDDEN"));
            c.add(forbidden("an anchor may not " + method + " a member", method, GROUP + "/hostile-member", Who.OWNER, null,
                "FORBIDDEN"));
        }
        c.add(forbidden("a viewer outside the group reads its members", "GET", GROUP, Who.VIEWER, null, "NOT_A_MEMBER"));
        return c;
    }

    private static Hostile forbidden(String name, String method, String path, Who who, String json, String code) {
        return new Hostile(name, method, path, who, json == null ? null : JSON,
            json == null ? null : json.getBytes(StandardCharsets.UTF_8), false, 403, code, null);
    }

    // ---------------------------------------------------------------------------------------------
    // building blocks of the table
    // ---------------------------------------------------------------------------------------------

    private static String[][] notAnObject() {
        return new String[][] {
            {"[]", "an array"}, {"\"roomId\"", "a string"}, {"42", "a number"}, {"null", "null"}, {"true", "true"},
            {"{", "truncated"}, {"{\"roomId\": \"r\",}", "with a trailing comma"}, {"{} {}", "two objects"},
            {"{/* c */}", "with a comment"}, {"{'roomId': 'r'}", "with single quotes"}, {"{\"a\": NaN}", "with NaN"},
            {"{\"a\": Infinity}", "with Infinity"}, {"{\"a\": 0100}", "with a leading zero"}, {"{\"a\": +1}", "with a plus sign"},
            {"{\"a\": 0x10}", "with hex"}, {"   ", "of whitespace"}, {"{roomId: 1}", "with an unquoted key"}};
    }

    private static String[][] badCodes() {
        return new String[][] {
            {A_CODE.substring(1), "of 21 characters"}, {A_CODE + "A", "of 23 characters"},
            {"AAAAAAAAAAAAAAAAAAAAA%D0%90", "with a Cyrillic homoglyph"}, {"AAAAAAAAAAAAAAAAAAAA%E2%80%8BA", "with a zero-width space"},
            {"AAAAAAAAAAA%2FAAAAAAAAAA", "with a percent-encoded slash"}, {"AAAAAAAAAAAAAAAAAAAAA%00", "with NUL"},
            {"AAAAAAAAAAAAAAAAAAAA%E2%80%AEA", "with an RTL override"}, {"AAAAAAAAAAAAAAAAAAAA%2BA", "with a plus"},
            {"AAAAAAAAAAAAAAAAAAAA%3DA", "with an equals sign"}};
    }

    private static List<Hostile> wrongMedia(String what, String path, Who who, String body) {
        List<Hostile> c = new ArrayList<>();
        for (String type : new String[] {"text/plain", null, "application/x-www-form-urlencoded", "application/xml",
            "application/jsonp", "multipart/form-data; boundary=x", "application/json-patch+json"}) {
            c.add(new Hostile(what + " sent as " + type, "POST", path, who, type, body.getBytes(StandardCharsets.UTF_8), false,
                415, "UNSUPPORTED_MEDIA_TYPE", null));
        }
        return c;
    }

    private static Hostile tooLarge(String what, String path, Who who, boolean chunked) {
        String body = "{\"roomId\": \"" + "r".repeat(16 * 1024) + "\"}";
        return new Hostile(what + " over 16 KiB", "POST", path, who, JSON, body.getBytes(StandardCharsets.UTF_8), chunked, 413,
            "PAYLOAD_TOO_LARGE", null);
    }

    private static Hostile bad(String name, String method, String path, Who who, String json, String field) {
        return bad(name, method, path, who, JSON, json.getBytes(StandardCharsets.UTF_8), field);
    }

    private static Hostile bad(String name, String method, String path, Who who, String type, byte[] body, String field) {
        return new Hostile(name, method, path, who, type, body, false, 400, "INVALID_REQUEST", field);
    }

    private static Hostile notFound(String name, String method, String path, Who who) {
        return notFound(name, method, path, who, "POST".equals(method) ? "{}" : null);
    }

    private static Hostile notFound(String name, String method, String path, Who who, String json) {
        return new Hostile(name, method, path, who, json == null ? null : JSON,
            json == null ? null : json.getBytes(StandardCharsets.UTF_8), false, 404, "RAIN_NOT_FOUND", null);
    }

    private static String deposit(String amount, String reference) {
        return "{\"amount\": " + amount + ", \"reference\": " + reference + "}";
    }

    /** A valid create body with {@code field} set to the raw JSON {@code value}, or left out when it is null. */
    private static String createBody(String field, String value) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("roomId", "\"" + ROOM + "\"");
        fields.put("totalAmount", "1000");
        fields.put("totalCount", "10");
        fields.put("mode", "\"LUCKY\"");
        fields.put("maxGrabsPerUser", "1");
        fields.put("countdownSeconds", "3");
        fields.put("durationSeconds", "30");
        if (value == null) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        return out.append('}').toString();
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + middle.length + t.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(middle, 0, all, h.length, middle.length);
        System.arraycopy(t, 0, all, h.length + middle.length, t.length);
        return all;
    }

    // ---------------------------------------------------------------------------------------------
    // talking to the system
    // ---------------------------------------------------------------------------------------------

    private HttpRequest.Builder request(Hostile c) {
        String path = c.path().replace("{waiting}", waiting).replace("{prepared}", prepared).replace("{running}", running);
        HttpRequest.Builder builder = system.client.request(path, tokens.get(c.who()));
        if (c.who() == Who.BASIC) {
            builder.header("Authorization", "Basic aG9zdGlsZS1hZG1pbjphZG1pbg==");
        }
        if (c.contentType() != null) {
            builder.header("Content-Type", c.contentType());
        }
        HttpRequest.BodyPublisher body;
        if (c.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (c.chunked()) {
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body()));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(c.body());
        }
        return builder.method(c.method(), body);
    }

    /**
     * Every rain key of this class's Redis database by name (outbox sweep leases come and go on their own),
     * and the packets, state and grab counters of the three bait rains.
     */
    private String redisFingerprint() throws Exception {
        TreeSet<String> keys = new TreeSet<>();
        String cursor = "0";
        do {
            Response page = system.redis().send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("rain:*")
                .arg("COUNT").arg(1000)).await(10, TimeUnit.SECONDS);
            cursor = page.get(0).toString();
            page.get(1).forEach(key -> {
                if (!key.toString().endsWith(":sweep")) {
                    keys.add(key.toString());
                }
            });
        } while (!"0".equals(cursor));
        StringBuilder out = new StringBuilder(keys.toString());
        for (String code : List.of(waiting, prepared, running)) {
            out.append(';').append(code)
                .append(" packets=").append(system.packetsInRedis(code, 1))
                .append(" state=").append(hash(RainKeys.state(code, 0)))
                .append(" users=").append(hash(RainKeys.users(code, 0)));
        }
        return out.toString();
    }

    private String hash(String key) throws Exception {
        Response all = system.redis().send(Request.cmd(Command.HGETALL).arg(key)).await(10, TimeUnit.SECONDS);
        return new java.util.TreeMap<>(toMap(all)).toString();
    }

    private static Map<String, String> toMap(Response response) {
        Map<String, String> map = new java.util.HashMap<>();
        for (String key : response.getKeys()) {
            map.put(key, response.get(key).toString());
        }
        return map;
    }

    private String create() {
        ApiClient.Answer created = system.client.post("/v1/rains", tokens.get(Who.OWNER), new JsonObject()
            .put("roomId", ROOM).put("totalAmount", 10_000).put("totalCount", PACKETS)
            .put("countdownSeconds", 0).put("durationSeconds", 3600));
        assertEquals(201, created.status(), created.raw());
        return created.body().getString("configCode");
    }

    private void post(String path, int status) {
        ApiClient.Answer answer = system.client.post(path, tokens.get(Who.OWNER), null);
        assertEquals(status, answer.status(), answer.raw());
    }

    private String redisDb() throws Exception {
        return dev.rain.common.testing.RealServices.get().redisUrl() + REDIS_DB;
    }
}
