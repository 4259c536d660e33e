package dev.rain.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private final Caller viewer = new Caller("viewer-1", Set.of("viewer"));

    @Test
    @DisplayName("a verified token is known until its expiry and forgotten from then on")
    void knownUntilExpiry() {
        VerifiedTokens tokens = new VerifiedTokens(10);
        tokens.put("token-a", viewer, 1_000);
        assertEquals(viewer, tokens.get("token-a", 999));
        assertNull(tokens.get("token-a", 1_000), "not at its exp");
        assertNull(tokens.get("token-a", 999), "and not again: the entry is gone");
        assertEquals(0, tokens.size());
    }

    @Test
    @DisplayName("only the exact string that was verified is known")
    void onlyTheExactString() {
        VerifiedTokens tokens = new VerifiedTokens(10);
        tokens.put("header.payload.signature", viewer, 1_000);
        assertNull(tokens.get("header.payload.signaturf", 0));
        assertNull(tokens.get("header.payload.signature ", 0));
    }

    @Test
    @DisplayName("past its capacity it starts over instead of growing")
    void bounded() {
        VerifiedTokens tokens = new VerifiedTokens(3);
        for (int i = 0; i < 10; i++) {
            tokens.put("token-" + i, viewer, Long.MAX_VALUE);
            assertEquals(true, tokens.size() <= 3, "size " + tokens.size());
        }
        assertEquals(viewer, tokens.get("token-9", 0), "the newest survives the reset");
    }
}
