package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Chat groups' members against a real API and Postgres: who may change and read them, idempotent joins and
 * leaves, paging in id order with cursors only as issued, the member cap under concurrent joins, and refused
 * requests that change nothing. Each test uses groups of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupMembersIT {

    private static final int CAP = 5;

    private ApiHarness system;
    private ApiClient client;
    /** A second instance on the same database with {@code RAIN_MAX_GROUP_MEMBERS} of {@link #CAP}. */
    private ApiClient capped;
    private String service;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("groups");
        client = system.client;
        RainApi small = system.startInstance("it-groups-capped", Map.of("RAIN_MAX_GROUP_MEMBERS", Integer.toString(CAP)));
        // HTTP/1.1: a connection per request in flight, so the racing joins reach the server together.
        capped = new ApiClient(small.config().httpPort(), java.net.http.HttpClient.Version.HTTP_1_1);
        service = system.token("im-1", "service");
        admin = system.token("admin-1", "admin");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @DisplayName("without a token every group route is 401")
    void nobodyIsRefused() throws Exception {
        String before = system.membershipsFingerprint();
        assertAllRefused("g-anon", "u1", null, 401, "UNAUTHORIZED", "UNAUTHORIZED");
        assertEquals(before, system.membershipsFingerprint());
    }

    @Test
    @DisplayName("viewers and anchors outside the group may neither change nor read it")
    void nonMembersAreRefused() throws Exception {
        assertEquals(204, client.put("/v1/groups/g-closed/members/insider", service).status());
        String before = system.membershipsFingerprint();
        for (String token : List.of(system.token("outsider", "viewer"), system.token("anchor-out", "anchor"))) {
            assertAllRefused("g-closed", "outsider", token, 403, "FORBIDDEN", "NOT_A_MEMBER");
            assertAllRefused("g-closed", "insider", token, 403, "FORBIDDEN", "NOT_A_MEMBER");
        }
        assertEquals(before, system.membershipsFingerprint());
    }

    @Test
    @DisplayName("a member viewer or anchor reads the group's members but may not change them")
    void membersReadButDoNotChange() throws Exception {
        for (String user : List.of("m-anchor", "m-viewer")) {
            assertEquals(204, client.put("/v1/groups/g-read/members/" + user, admin).status());
        }
        for (String token : List.of(system.token("m-viewer", "viewer"), system.token("m-anchor", "anchor"))) {
            ApiClient.Answer page = client.get("/v1/groups/g-read/members", token);
            assertEquals(200, page.status(), page.raw());
            assertEquals(new JsonArray().add("m-anchor").add("m-viewer"), page.body().getJsonArray("members"));
            assertTrue(page.body().containsKey("next") && page.body().getValue("next") == null, page.raw());
        }
        String before = system.membershipsFingerprint();
        assertProblem(client.put("/v1/groups/g-read/members/friend", system.token("m-viewer", "viewer")), 403, "FORBIDDEN");
        assertProblem(client.delete("/v1/groups/g-read/members/m-anchor", system.token("m-viewer", "viewer")), 403,
            "FORBIDDEN");
        assertEquals(before, system.membershipsFingerprint());
    }

    @Test
    @DisplayName("the service and an admin add, read and remove members, and both answers are idempotent")
    void serviceAndAdminChangeMembersIdempotently() throws Exception {
        for (String token : List.of(service, admin)) {
            String group = "g-idem-" + (token.equals(service) ? "service" : "admin");
            assertEquals(204, client.put("/v1/groups/" + group + "/members/u1", token).status());
            assertEquals(204, client.put("/v1/groups/" + group + "/members/u1", token).status(), "a second PUT");
            assertEquals(1, system.queryLong("SELECT count(*) FROM group_members WHERE group_id = ?", group));
            assertEquals(new JsonArray().add("u1"), read(group, token).getJsonArray("members"));

            assertEquals(204, client.delete("/v1/groups/" + group + "/members/u1", token).status());
            assertEquals(204, client.delete("/v1/groups/" + group + "/members/u1", token).status(), "a second DELETE");
            assertEquals(204, client.delete("/v1/groups/" + group + "/members/never-joined", token).status());
            assertEquals(0, system.queryLong("SELECT count(*) FROM group_members WHERE group_id = ?", group));
        }
    }

    @Test
    @DisplayName("an unknown group reads as empty to the service and an admin, and is refused to anyone else")
    void unknownGroup() {
        for (String token : List.of(service, admin)) {
            JsonObject page = read("g-nobody-made", token);
            assertEquals(new JsonArray(), page.getJsonArray("members"));
            assertNull(page.getValue("next"));
        }
        assertProblem(client.get("/v1/groups/g-nobody-made/members", system.token("curious", "viewer")), 403, "NOT_A_MEMBER");
    }

    @Test
    @DisplayName("250 members come in three pages of at most 100, bytewise by id, without gaps or repeats")
    void pagesInIdOrder() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // Upper and lower case, digits and punctuation: bytewise order differs from a locale's.
            users.add((i % 3 == 0 ? "U" : i % 3 == 1 ? "u" : "_") + Integer.toString(i * 7919 % 1000, 36) + "." + i);
        }
        joinAll("g-pages", users);

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = null;
        do {
            JsonObject page = page("/v1/groups/g-pages/members?limit=100" + (next == null ? "" : "&after=" + next), service);
            page.getJsonArray("members").forEach(m -> seen.add((String) m));
            sizes.add(page.getJsonArray("members").size());
            next = page.getString("next");
        } while (next != null && sizes.size() < 10);

        assertEquals(List.of(100, 100, 50), sizes);
        List<String> expected = new ArrayList<>(new TreeSet<>(users));
        assertEquals(expected, seen, "every member once, in String.compareTo (bytewise for ASCII) order");
    }

    @Test
    @DisplayName("a cursor the API did not issue, or a limit out of range, is 400 naming the parameter")
    void forgedCursorsAreRefused() {
        assertEquals(204, client.put("/v1/groups/g-cursor/members/u1", service).status());
        assertEquals(204, client.put("/v1/groups/g-cursor/members/u2", service).status());
        JsonObject first = page("/v1/groups/g-cursor/members?limit=1", service);
        String issued = first.getString("next");
        assertEquals(new JsonArray().add("u1"), first.getJsonArray("members"));
        assertEquals(new JsonArray().add("u2"), page("/v1/groups/g-cursor/members?limit=1&after=" + issued, service)
            .getJsonArray("members"));
        // Padded; "bad id" and a NUL byte encoded; "u1" with trailing bits the decoder forgives; one character;
        // the other base64 alphabet; the issued cursor with more after it.
        for (String forged : List.of(issued + "=", "dTE%3D", "YmFkIGlk", "AA", "dTF", "x", "%2B%2F%2F%2F",
            issued + issued.charAt(0))) {
            ApiClient.Answer answer = client.get("/v1/groups/g-cursor/members?after=" + forged, service);
            assertProblem(answer, 400, "INVALID_REQUEST");
            assertEquals("after", answer.body().getString("field"), forged);
        }
        for (String limit : List.of("0", "501", "-1", "+5", "1e2")) {
            ApiClient.Answer answer = client.get("/v1/groups/g-cursor/members?limit=" + limit, service);
            assertProblem(answer, 400, "INVALID_REQUEST");
            assertEquals("limit", answer.body().getString("field"), limit);
        }
        assertProblem(client.get("/v1/groups/g-cursor/members?after=" + issued + "&after=" + issued, service), 400,
            "INVALID_REQUEST");
    }

    @Test
    @DisplayName("20 concurrent joins to a group capped at 5 leave exactly 5 members and 15 GROUP_FULL answers")
    void capHoldsUnderConcurrentJoins() throws Exception {
        // Ten groups raced at once: a cap checked without the group's lock lets two joins past it in most runs.
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < 10; g++) {
            groups.add("g-full-" + g);
        }
        Map<String, List<ApiClient.Answer>> answers = raceJoins(groups, 20);
        for (String group : groups) {
            List<ApiClient.Answer> refused = answers.get(group).stream().filter(a -> a.status() != 204).toList();
            refused.forEach(a -> assertProblem(a, 409, "GROUP_FULL"));
            assertEquals(20 - CAP, refused.size(), group + ": joins refused");
            assertEquals(CAP, system.queryLong("SELECT count(*) FROM group_members WHERE group_id = ?", group), group);
        }
        String member = read("g-full-0", service).getJsonArray("members").getString(0);
        assertEquals(204, capped.put("/v1/groups/g-full-0/members/" + member, service).status(),
            "a member joining again is not refused by the cap");
        assertProblem(capped.put("/v1/groups/g-full-0/members/late", service), 409, "GROUP_FULL");
        assertEquals(204, capped.delete("/v1/groups/g-full-0/members/" + member, service).status());
        assertEquals(204, capped.put("/v1/groups/g-full-0/members/late", service).status(), "a place freed is taken");
    }

    /** {@code perGroup} distinct users join each group on the capped instance, all released at once. */
    private Map<String, List<ApiClient.Answer>> raceJoins(List<String> groups, int perGroup) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(groups.size() * perGroup);
        try {
            CountDownLatch go = new CountDownLatch(1);
            Map<String, List<Future<ApiClient.Answer>>> pending = new java.util.HashMap<>();
            for (String group : groups) {
                for (int i = 0; i < perGroup; i++) {
                    String path = "/v1/groups/" + group + "/members/racer-" + i;
                    pending.computeIfAbsent(group, k -> new ArrayList<>()).add(pool.submit(() -> {
                        go.await();
                        return capped.put(path, service);
                    }));
                }
            }
            go.countDown();
            Map<String, List<ApiClient.Answer>> answers = new java.util.HashMap<>();
            for (var group : pending.entrySet()) {
                for (Future<ApiClient.Answer> answer : group.getValue()) {
                    answers.computeIfAbsent(group.getKey(), k -> new ArrayList<>()).add(answer.get(60, TimeUnit.SECONDS));
                }
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a malformed group or user id is 400 naming the field and changes nothing")
    void malformedIdsAreRefused() throws Exception {
        assertEquals(204, client.put("/v1/groups/g-ids/members/u1", service).status());
        String before = system.membershipsFingerprint();
        String tooLong = "a".repeat(65);
        for (String bad : List.of("bad%20id", tooLong, "%E2%80%8Bg", "g%00", "%C3%A9t%C3%A9", "g*")) {
            for (String token : List.of(service, admin)) {
                assertField(client.put("/v1/groups/" + bad + "/members/u1", token), "groupId");
                assertField(client.delete("/v1/groups/" + bad + "/members/u1", token), "groupId");
                assertField(client.get("/v1/groups/" + bad + "/members", token), "groupId");
                assertField(client.put("/v1/groups/g-ids/members/" + bad, token), "userId");
                assertField(client.delete("/v1/groups/g-ids/members/" + bad, token), "userId");
            }
        }
        assertEquals(before, system.membershipsFingerprint());
    }

    @Test
    @DisplayName("a body on a group route is refused like on any route that takes none, and changes nothing")
    void bodiesAreRefused() throws Exception {
        String before = system.membershipsFingerprint();
        ApiClient.Answer json = client.send(client.request("/v1/groups/g-body/members/u1", service)
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"role\":\"owner\"}")));
        assertProblem(json, 400, "INVALID_REQUEST");
        ApiClient.Answer text = client.send(client.request("/v1/groups/g-body/members/u1", service)
            .header("Content-Type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString("hello")));
        assertProblem(text, 415, "UNSUPPORTED_MEDIA_TYPE");
        assertEquals(before, system.membershipsFingerprint());
    }

    private void joinAll(String group, List<String> users) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ApiClient.Answer>> answers = new ArrayList<>();
            for (String user : users) {
                answers.add(pool.submit(() -> client.put("/v1/groups/" + group + "/members/" + user, service)));
            }
            for (Future<ApiClient.Answer> answer : answers) {
                assertEquals(204, answer.get(60, TimeUnit.SECONDS).status());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private JsonObject read(String group, String token) {
        return page("/v1/groups/" + group + "/members", token);
    }

    private JsonObject page(String path, String token) {
        ApiClient.Answer answer = client.get(path, token);
        assertEquals(200, answer.status(), answer.raw());
        assertEquals("application/json", answer.contentType());
        return answer.body();
    }

    /** PUT and DELETE of {@code user} refused with {@code changeCode}, reading the group with {@code readCode}. */
    private void assertAllRefused(String group, String user, String token, int status, String changeCode,
                                  String readCode) {
        assertProblem(client.put("/v1/groups/" + group + "/members/" + user, token), status, changeCode);
        assertProblem(client.delete("/v1/groups/" + group + "/members/" + user, token), status, changeCode);
        assertProblem(client.get("/v1/groups/" + group + "/members", token), status, readCode);
    }

    private static void assertField(ApiClient.Answer answer, String field) {
        assertProblem(answer, 400, "INVALID_REQUEST");
        assertEquals(field, answer.body().getString("field"), answer.raw());
    }

    private static void assertProblem(ApiClient.Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.raw());
        assertEquals("application/problem+json", answer.contentType(), answer.raw());
        assertEquals(code, answer.code(), answer.raw());
    }
}
