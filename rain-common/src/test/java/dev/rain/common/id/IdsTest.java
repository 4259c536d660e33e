package dev.rain.common.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IdsTest {

    @Property(tries = 5000)
    @Label("isUserId and isRoomId accept exactly what the id pattern accepts")
    void idChecksMatchThePattern(@ForAll("nearIds") String s) {
        assertEquals(Ids.USER_ID.matcher(s).matches(), Ids.isUserId(s), s);
        assertEquals(Ids.ROOM_ID.matcher(s).matches(), Ids.isRoomId(s), s);
    }

    @Property(tries = 5000)
    @Label("isConfigCode accepts exactly what the config code pattern accepts")
    void configCodeCheckMatchesThePattern(@ForAll("nearCodes") String s) {
        assertEquals(Ids.CONFIG_CODE.matcher(s).matches(), Ids.isConfigCode(s), s);
    }

    @Example
    @Label("the edges: empty, 64 and 65 characters, 21 to 23, a new code, null")
    void edges() {
        assertFalse(Ids.isUserId(""));
        assertTrue(Ids.isRoomId("a".repeat(64)));
        assertFalse(Ids.isRoomId("a".repeat(65)));
        assertFalse(Ids.isConfigCode("a".repeat(21)));
        assertTrue(Ids.isConfigCode("a".repeat(22)));
        assertFalse(Ids.isConfigCode("a".repeat(23)));
        assertFalse(Ids.isConfigCode("a".repeat(21) + "."));
        assertTrue(Ids.isConfigCode(Ids.newConfigCode()));
        assertFalse(Ids.isUserId(null));
        assertFalse(Ids.isConfigCode(null));
    }

    /** Mostly the alphabet and its neighbours, at lengths around the limits, so both answers come up often. */
    @Provide
    Arbitrary<String> nearIds() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("Az09_-.:/ @é\u0000+=").ofMinLength(0).ofMaxLength(70),
            Arbitraries.strings().withCharRange('\u0020', '\u007f').ofMinLength(0).ofMaxLength(66),
            Arbitraries.strings().all().ofMinLength(0).ofMaxLength(66));
    }

    @Provide
    Arbitrary<String> nearCodes() {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("Az09_-.:=+/").ofMinLength(20).ofMaxLength(24),
            Arbitraries.strings().withCharRange('\u0020', '\u007f').ofLength(22),
            Arbitraries.strings().all().ofMinLength(0).ofMaxLength(24));
    }
}
