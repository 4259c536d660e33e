package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The lists an anchor, a viewer and the wallet team page through: an anchor's rains, a room's rains and a wallet's
 * entries, each by an opaque cursor, on the real services through the real API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RainListingIT {

    private static final JsonObject SMALL = new JsonObject().put("totalAmount", 1_000).put("totalCount", 10)
        .put("countdownSeconds", 0).put("durationSeconds", 600);

    private ApiHarness system;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("listing");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("an anchor pages through their own rains newest first, without gaps or repeats, and sees nobody else's")
    void anchorPagesThroughOwnRains() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, create("list-ann", "room-list-a"));
            create("list-bob", "room-list-a");
        }
        String token = system.token("list-ann", "anchor");
        List<String> listed = pageAll(after -> "/v1/rains?mine=true&limit=2" + after, token);
        assertEquals(created, listed, "newest first, each once, only the caller's");
    }

    @Test
    @DisplayName("a room lists its running and waiting rains first, then its finished ones, newest first in each")
    void roomListsRunningBeforeFinished() throws InterruptedException {
        String room = "room-list-r";
        String finishedOld = closed(create("list-cid", room), "list-cid");
        String running = system.runningRain("list-cid", SMALL.copy().put("roomId", room));
        String finishedNew = closed(create("list-cid", room), "list-cid");
        String waiting = create("list-cid", room);
        create("list-dan", "room-list-elsewhere");
        List<String> listed = pageAll(after -> "/v1/rooms/" + room + "/rains?limit=1" + after,
            system.token("list-viewer", "viewer"));
        assertEquals(List.of(waiting, running, finishedNew, finishedOld), listed);
    }

    @Test
    @DisplayName("mine=true is the anchor's: a viewer is refused with 403 and a list without mine=true with 400")
    void mineNeedsTheAnchorRole() {
        ApiClient.Answer viewer = system.client.get("/v1/rains?mine=true", system.token("list-eve", "viewer"));
        assertEquals(403, viewer.status(), viewer.raw());
        ApiClient.Answer everyone = system.client.get("/v1/rains", system.token("list-eve", "anchor"));
        assertEquals(400, everyone.status(), everyone.raw());
        assertEquals("mine", everyone.body().getString("field"));
    }

    @Test
    @DisplayName("a cursor that was not issued, however close to one, is refused with 400 naming after")
    void forgedCursorsAreRefused() {
        create("list-fay", "room-list-f");
        create("list-fay", "room-list-f");
        String token = system.token("list-fay", "anchor");
        String issued = system.client.get("/v1/rains?mine=true&limit=1", token).body().getString("next");
        assertEquals(200, system.client.get("/v1/rains?mine=true&limit=1&after=" + issued, token).status());
        String text = new String(Base64.getUrlDecoder().decode(issued), StandardCharsets.US_ASCII);
        for (String forged : List.of(issued + "=", "A" + issued, encode(text.replaceFirst("^0\\.", "0.0")),
            encode(text.replaceFirst("\\.", ".+")), encode("0.1.' OR 1=1 --"), encode("12"))) {
            ApiClient.Answer answer = system.client.get("/v1/rains?mine=true&after=" + forged, token);
            assertEquals(400, answer.status(), forged + ": " + answer.raw());
            assertEquals("after", answer.body().getString("field"), answer.raw());
            ApiClient.Answer room = system.client.get("/v1/rooms/room-list-f/rains?after=" + forged, token);
            assertEquals(400, room.status(), forged + ": " + room.raw());
        }
        ApiClient.Answer wallet = system.client.get("/v1/wallets/me?after=" + issued, token);
        assertEquals(400, wallet.status(), "a rain cursor is not a wallet cursor: " + wallet.raw());
    }

    @Test
    @DisplayName("a wallet's entries page by cursor past the limit of one page, each once, and end with next null")
    void walletEntriesPageByCursor() {
        for (int i = 0; i < 7; i++) {
            system.deposit("list-gus", 100 + i);
        }
        String token = system.token("list-gus", "viewer");
        ApiClient.Answer first = system.client.get("/v1/wallets/me?limit=3", token);
        assertEquals(721, first.body().getLong("balance"));
        List<Long> amounts = new ArrayList<>();
        String after = "";
        JsonObject page;
        do {
            page = system.client.get("/v1/wallets/me?limit=3" + after, token).body();
            page.getJsonArray("entries").forEach(e -> amounts.add(((JsonObject) e).getLong("amount")));
            after = "&after=" + page.getString("next");
        } while (page.getString("next") != null);
        assertEquals(List.of(106L, 105L, 104L, 103L, 102L, 101L, 100L), amounts);
        ApiClient.Answer forged = system.client.get("/v1/wallets/me?after=" + encode("01"), token);
        assertEquals(400, forged.status(), forged.raw());
        assertEquals("after", forged.body().getString("field"));
    }

    /** Every page from the first until next is null; the config codes in order, each page checked for shape. */
    private List<String> pageAll(Function<String, String> path, String token) {
        List<String> codes = new ArrayList<>();
        String after = "";
        for (int pages = 0; pages < 50; pages++) {
            ApiClient.Answer answer = system.client.get(path.apply(after), token);
            assertEquals(200, answer.status(), answer.raw());
            JsonArray rains = answer.body().getJsonArray("rains");
            rains.forEach(r -> codes.add(((JsonObject) r).getString("configCode")));
            assertTrue(answer.body().containsKey("next"), "next is always present");
            String next = answer.body().getString("next");
            if (next == null) {
                return codes;
            }
            assertTrue(!rains.isEmpty(), "a page with a next page is never empty");
            after = "&after=" + next;
        }
        throw new AssertionError("no end after 50 pages: " + codes);
    }

    private String create(String anchor, String room) {
        system.deposit(anchor, SMALL.getLong("totalAmount"));
        ApiClient.Answer created = system.client.post("/v1/rains", system.token(anchor, "anchor"),
            SMALL.copy().put("roomId", room));
        assertEquals(201, created.status(), created.raw());
        return created.body().getString("configCode");
    }

    private String closed(String code, String anchor) throws InterruptedException {
        ApiClient.Answer answer = system.client.post("/v1/rains/" + code + "/close", system.token(anchor, "anchor"), null);
        assertEquals(200, answer.status(), answer.raw());
        system.awaitStatus(code, "FINISHED");
        return code;
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
