package dev.rain.settlement.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The fast decoder against the decoder it replaced ({@link ReferenceClaimDecoder}), on generated records: plain
 * ones, ones near the edge of every field's rule, and broken ones. Both must give the same claim, or refuse with the
 * same message, so exactly the same records reach the ledger and the dead-letter topic as before.
 */
class ClaimDecoderEquivalenceTest {

    private static final String ID_CHARS = "ABCXYZabcxyz0189_-.:";
    private static final String CODE_CHARS = "ABCXYZabcxyz0189_-";

    /** A field of the JSON object as written: its name and its value's raw JSON text. */
    record Field(String name, String json) {
    }

    @Property(tries = 3000)
    @Label("the fast decoder gives the old decoder's claim, or its refusal with the same message")
    void sameVerdictAsTheOldDecoder(@ForAll("records") byte[] value, @ForAll("slotHeaders") Headers headers) {
        Object expected = outcome(() -> ReferenceClaimDecoder.decode(value, headers));
        Object actual = outcome(() -> ClaimDecoder.decode(value, headers));
        Statistics.label("verdict").collect(expected instanceof Claim ? "claim"
            : expected.toString().replaceFirst("^\\w+: ", "").replaceFirst("^(\\S+ \\S+).*", "$1"));
        assertEquals(expected, actual, () -> new String(value, StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    @Label("a plain record the relay writes takes the fast path and decodes as before")
    void plainRecordsTakeTheFastPath(@ForAll("plainEvents") SettlementEvent event) throws Exception {
        byte[] value = Json.MAPPER.writeValueAsBytes(event);
        assertEquals(event, SettlementEventReader.read(value));
        Headers headers = new RecordHeaders().add(SettlementEvent.GRAB_SLOT_HEADER, new byte[] {'1'});
        assertEquals(outcome(() -> ReferenceClaimDecoder.decode(value, headers)),
            outcome(() -> ClaimDecoder.decode(value, headers)));
    }

    @Property(tries = 3000)
    @Label("the id loops accept exactly what the id patterns accept")
    void idShapesMatchThePatterns(@ForAll("idLike") String s) {
        assertEquals(Ids.USER_ID.matcher(s).matches(), Ids.isUserId(s), s);
        assertEquals(Ids.ROOM_ID.matcher(s).matches(), Ids.isRoomId(s), s);
        assertEquals(Ids.CONFIG_CODE.matcher(s).matches(), Ids.isConfigCode(s), s);
        assertEquals(s.matches("0|[1-9][0-9]{0,8}"), IdShapes.isPacketIndex("x:" + s, 2), s);
    }

    @Property(tries = 3000)
    @Label("the timestamp reader reads what Instant.parse reads, and refuses what it refuses")
    void timestampsMatchInstantParse(@ForAll("timestamps") String text) {
        assertEquals(outcome(() -> Instant.parse(text)), outcome(() -> UtcInstantText.parse(text)), text);
    }

    private interface Decode {
        Object run() throws Exception;
    }

    /** The value, or the failure's class and message: what decides whether and why a record is dead-lettered. */
    private static Object outcome(Decode decode) {
        try {
            Object value = decode.run();
            assertNotNull(value);
            return value;
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @Provide
    Arbitrary<byte[]> records() {
        Arbitrary<List<Field>> fields = Combinators.combine(
            schemaVersions(), bizIdAndCode(), types(), ids(), ids(), ids(), amounts(), timestampJson())
            .as((version, bizAndCode, type, room, anchor, user, amount, at) -> {
                List<Field> list = new ArrayList<>();
                list.add(new Field("schemaVersion", version));
                list.add(new Field("bizId", string(bizAndCode.get1())));
                list.add(new Field("type", type));
                list.add(new Field("configCode", string(bizAndCode.get2())));
                list.add(new Field("roomId", string(room)));
                list.add(new Field("anchorId", string(anchor)));
                list.add(new Field("userId", string(user)));
                list.add(new Field("amount", amount));
                list.add(new Field("occurredAt", at));
                return list;
            });
        return Combinators.combine(fields.flatMap(Arbitraries::shuffle), mutations(), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 400))
            .as(ClaimDecoderEquivalenceTest::render);
    }

    @Provide
    Arbitrary<SettlementEvent> plainEvents() {
        Arbitrary<String> code = Arbitraries.strings().withChars(CODE_CHARS).ofLength(22);
        Arbitrary<String> id = Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64);
        return Combinators.combine(code, Arbitraries.integers().between(0, 999_999_999), id, id, id,
                Arbitraries.longs().between(1, Long.MAX_VALUE), plainTimestamps(), Arbitraries.of(true, false))
            .as((c, index, room, anchor, user, amount, at, grab) -> grab
                ? SettlementEvent.grab(Ids.packetId(c, index), c, room, anchor, user, amount, at)
                : SettlementEvent.refund(c, room, anchor, amount, at));
    }

    @Provide
    Arbitrary<Headers> slotHeaders() {
        return Arbitraries.of("1", "1", "1", "1", "1", "2", "", "0", "x", "123456789", "1234567890", "1,1")
            .map(slot -> {
                Headers headers = new RecordHeaders();
                for (String one : slot.isEmpty() ? new String[0] : slot.split(",")) {
                    headers.add(SettlementEvent.GRAB_SLOT_HEADER, one.getBytes(StandardCharsets.US_ASCII));
                }
                return headers;
            });
    }

    @Provide
    Arbitrary<String> idLike() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars(ID_CHARS).ofMinLength(0).ofMaxLength(70),
            Arbitraries.strings().withChars(CODE_CHARS).ofMinLength(20).ofMaxLength(24),
            Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(11),
            Arbitraries.strings().all().ofMinLength(0).ofMaxLength(30),
            Arbitraries.strings().withChars(ID_CHARS + " /é\u0000\uD83D").ofMinLength(1).ofMaxLength(66));
    }

    @Provide
    Arbitrary<String> timestamps() {
        return Arbitraries.oneOf(plainTimestamps(), plainTimestamps().flatMap(this::bent),
            Arbitraries.strings().withChars("0123456789-:.TZtz+ ").ofMinLength(0).ofMaxLength(32));
    }

    /** Instants as Instant.toString writes them (0, 3, 6 or 9 fraction digits) or with any fraction length. */
    private Arbitrary<String> plainTimestamps() {
        Arbitrary<Long> epochSeconds = Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.longs().between(-100_000_000_000L, 253_402_300_799L)),
            Tuple.of(6, Arbitraries.longs().between(0, 4_102_444_800L)));
        Arbitrary<Instant> instants = Combinators.combine(epochSeconds, Arbitraries.integers().between(0, 999_999_999))
            .as(Instant::ofEpochSecond);
        return Combinators.combine(instants, Arbitraries.integers().between(-1, 9)).as((instant, digits) -> {
            String text = instant.toString();
            if (digits < 0 || !text.matches("\\d{4}-.*")) {
                return text;
            }
            String seconds = text.substring(0, 19);
            String nanos = String.format("%09d", instant.getNano());
            return digits == 0 ? seconds + "Z" : seconds + "." + nanos.substring(0, digits) + "Z";
        });
    }

    /** A plain timestamp with one thing changed that Instant.parse may or may not accept. */
    private Arbitrary<String> bent(String plain) {
        return Arbitraries.of(
            plain.replace('Z', 'z'), plain.replace('T', 't'), plain.replace("Z", "+00:00"),
            plain.replace("Z", "+01:30"), plain.substring(0, 11) + "24:00:00Z", plain.substring(0, 11) + "23:59:60Z",
            plain.substring(0, 8) + "30" + plain.substring(10), plain.substring(0, 5) + "02-29" + plain.substring(10),
            plain.substring(0, 5) + "13" + plain.substring(7), plain.substring(0, 19) + ".Z",
            plain.substring(0, 19) + ".1234567890Z", "+" + plain, "+1" + plain, plain.substring(0, 16) + "Z",
            plain.substring(0, plain.length() - 1), plain + " ", "2025-05-01T12:00:00.00" + "\u0661Z");
    }

    private Arbitrary<String> schemaVersions() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just("1")),
            Tuple.of(1, Arbitraries.of("2", "0", "-1", "1.0", "\"1\"", "null", "true", "01", "4294967297", "1e0")));
    }

    /** A bizId and the configCode beside it: mostly a packet of that rain or its refund, sometimes not. */
    private Arbitrary<Tuple.Tuple2<String, String>> bizIdAndCode() {
        Arbitrary<String> code = Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.strings().withChars(CODE_CHARS).ofLength(22)),
            Tuple.of(1, Arbitraries.strings().withChars(ID_CHARS + " ").ofMinLength(0).ofMaxLength(24)));
        Arbitrary<String> suffix = Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.integers().between(0, 999_999_999).map(i -> ":" + i)),
            Tuple.of(2, Arbitraries.just(":refund")),
            Tuple.of(2, Arbitraries.of(":fund", ":0", ":00", ":01", ":1234567890", ":", ":-1", ":1a", "1", "")));
        return Combinators.combine(code, suffix, code, Arbitraries.integers().between(0, 19))
            .as((c, s, other, pick) -> Tuple.of(pick == 0 ? other + s : c + s, c));
    }

    private Arbitrary<String> types() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("\"GRAB\"")),
            Tuple.of(3, Arbitraries.just("\"REFUND\"")),
            Tuple.of(1, Arbitraries.of("\"grab\"", "\"BONUS\"", "0", "1", "null", "\"\"")));
    }

    private Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.strings().withChars(ID_CHARS).ofMinLength(1).ofMaxLength(64)),
            Tuple.of(1, Arbitraries.strings().withChars(ID_CHARS + " é\"\\").ofMinLength(0).ofMaxLength(66)),
            Tuple.of(10, Arbitraries.just("anchor-1")));
    }

    private Arbitrary<String> amounts() {
        return Arbitraries.frequencyOf(
            Tuple.of(20, Arbitraries.longs().between(1, Long.MAX_VALUE).map(l -> Long.toString(l))),
            Tuple.of(1, Arbitraries.longs().map(l -> Long.toString(l))),
            Tuple.of(1, Arbitraries.of("0", "-0", "1.5", "1.0", "1e3", "\"123\"", "null", "true", "01",
                "9223372036854775808", "99999999999999999999", "[1]", "{}")));
    }

    private Arbitrary<String> timestampJson() {
        return Arbitraries.frequencyOf(
            Tuple.of(20, plainTimestamps().map(ClaimDecoderEquivalenceTest::string)),
            Tuple.of(4, timestamps().map(ClaimDecoderEquivalenceTest::string)),
            Tuple.of(1, Arbitraries.of("null", "0", "\"\"", "[]")));
    }

    /** What is done to the otherwise well-formed object. */
    enum Mutation { NONE, DROP, DUPLICATE, UNKNOWN_FIELD, NULL_VALUE, TRAILING, TRUNCATE, NOT_AN_OBJECT }

    private Arbitrary<Mutation> mutations() {
        return Arbitraries.frequency(Tuple.of(40, Mutation.NONE), Tuple.of(1, Mutation.DROP),
            Tuple.of(1, Mutation.DUPLICATE), Tuple.of(1, Mutation.UNKNOWN_FIELD), Tuple.of(1, Mutation.NULL_VALUE),
            Tuple.of(1, Mutation.TRAILING), Tuple.of(1, Mutation.TRUNCATE), Tuple.of(1, Mutation.NOT_AN_OBJECT));
    }

    private static byte[] render(List<Field> shuffled, Mutation mutation, int which, int cut) {
        List<Field> fields = new ArrayList<>(shuffled);
        Field picked = fields.get(which % fields.size());
        switch (mutation) {
            case DROP -> fields.remove(picked);
            case DUPLICATE -> fields.add(new Field(picked.name(), picked.json()));
            case UNKNOWN_FIELD -> fields.add(which % fields.size(), new Field("bonus", "5"));
            case NULL_VALUE -> fields.set(fields.indexOf(picked), new Field(picked.name(), "null"));
            default -> {
            }
        }
        StringBuilder json = new StringBuilder("{");
        for (Field field : fields) {
            json.append(json.length() > 1 ? "," : "").append('"').append(field.name()).append("\":").append(field.json());
        }
        json.append('}');
        String text = switch (mutation) {
            case TRAILING -> json + (which % 2 == 0 ? " {}" : " x");
            case TRUNCATE -> json.substring(0, Math.min(cut, json.length() - 1));
            case NOT_AN_OBJECT -> "[" + json + "]";
            default -> json.toString();
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(String value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
