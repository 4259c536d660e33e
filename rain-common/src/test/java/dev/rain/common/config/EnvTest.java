package dev.rain.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvTest {

    private static final Pattern TOPIC = Pattern.compile("[a-z.]+");

    @Test
    @DisplayName("a failing-fast reader stops at the first bad variable and names it")
    void failingFastStopsAtTheFirstProblem() {
        Env env = Env.failingFast(Map.of("A", "lots", "B", "yes please"));
        ConfigException e = assertThrows(ConfigException.class, () -> env.integer("A", 1, 1, 10));
        assertEquals("A must be an integer in 1..10, was 'lots'", e.getMessage());
        assertEquals(List.of(e.getMessage()), e.problems());
    }

    @Test
    @DisplayName("a collecting reader names every bad variable in one error, in the order they were read")
    void collectingNamesEveryProblemAtOnce() {
        Env env = Env.collecting(Map.of("PORT", "70000", "TOPIC", "Not A Topic", "FLAG", "maybe"));
        assertEquals(70_000, env.integer("PORT", 80, 0, 65_535));
        assertEquals("Not A Topic", env.matching("TOPIC", "t", TOPIC, "a topic"));
        assertEquals(null, env.required("URL", TOPIC, "a url"));
        assertEquals(true, env.flag("FLAG", true));
        ConfigException e = assertThrows(ConfigException.class, () -> env.failIfAnyProblem("test service"));
        assertEquals(List.of("PORT must be an integer in 0..65535, was '70000'",
            "TOPIC must be a topic, was 'Not A Topic'", "URL is required (a url)",
            "FLAG must be true or false, was 'maybe'"), e.problems());
        assertEquals("invalid test service configuration:\n  - " + String.join("\n  - ", e.problems()),
            e.getMessage());
    }

    @Test
    @DisplayName("unset, blank and padded values read as the fallback or the value without its spaces")
    void blankMeansUnset() {
        Env env = Env.collecting(Map.of("BLANK", "  ", "PADDED", " 42 ", "SWITCH", "NO"));
        assertEquals("fallback", env.string("BLANK", "fallback"));
        assertEquals(42L, env.number("PADDED", 1, 1, 100));
        assertEquals(false, env.flag("SWITCH", true));
        assertEquals(7, env.integer("UNSET", 7, 1, 10));
        env.failIfAnyProblem("test service");
    }

    @Test
    @DisplayName("a number beyond int range is reported and the fallback is used, not a wrapped value")
    void hugeIntegerFallsBack() {
        Env env = Env.collecting(Map.of("N", "99999999999"));
        assertEquals(3, env.integer("N", 3, 1, 10));
        assertEquals(List.of("N must be an integer in 1..10, was '99999999999'"),
            assertThrows(ConfigException.class, () -> env.failIfAnyProblem("x")).problems());
    }
}
