package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of the role and ownership table, allowed and refused, against a real API. A refused call must
 * change nothing (ledger, rain status, packets in Redis); an allowed one must do what it says.
 *
 * <pre>
 *                       nobody  viewer  owner  other anchor   admin
 * create                401     403     201    201            403
 * prepare, start       401     403     200    403 NOT_OWNER  403
 * close, reconciliation 401     403     200    403 NOT_OWNER  200
 * deposit               401     403     403    403            201
 * grab                  401     200     403    403            403
 * detail, records, me   401     200     200    200            200
 * room WebSocket        401     101     101    101            101
 * my rains (mine=true)  401     403     200    200 (its own)  403
 * a room's rains        401     200     200    200            200
 * group join, leave     401     403     403    403            204    (service: 204)
 * group members         401     403 NOT_A_MEMBER (viewer, owner, other anchor)  200    (service: 200)
 * </pre>
 * The group rows' actors are not members of the group; members reading it are GroupMembersIT's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermissionTableIT {

    enum Actor { NOBODY, VIEWER, OWNER, OTHER_ANCHOR, ADMIN, SERVICE }

    enum Operation { CREATE, PREPARE, START, CLOSE, RECONCILIATION, DEPOSIT, GRAB, DETAIL, RECORDS, WALLET, ROOM_EVENTS,
        GROUP_JOIN, GROUP_LEAVE, GROUP_MEMBERS, MY_RAINS, ROOM_RAINS }

    record Cell(Operation operation, Actor actor, int status, String code) {
        @Override
        public String toString() {
            return operation + " by " + actor + " -> " + status + (code == null ? "" : " " + code);
        }
    }

    private static final String ROOM = "room-perm";
    private static final String GROUP = "/v1/groups/g-perm/members";
    private final Map<Actor, String> users = new EnumMap<>(Actor.class);
    private final Map<Actor, String> tokens = new EnumMap<>(Actor.class);
    private ApiHarness system;
    private String running;

    @BeforeAll
    void start() throws Exception {
        system = new ApiHarness("permissions");
        users.put(Actor.VIEWER, "perm-viewer");
        users.put(Actor.OWNER, "perm-owner");
        users.put(Actor.OTHER_ANCHOR, "perm-other");
        users.put(Actor.ADMIN, "perm-admin");
        tokens.put(Actor.VIEWER, system.token("perm-viewer", "viewer"));
        tokens.put(Actor.OWNER, system.token("perm-owner", "anchor"));
        tokens.put(Actor.OTHER_ANCHOR, system.token("perm-other", "anchor"));
        tokens.put(Actor.ADMIN, system.token("perm-admin", "admin"));
        tokens.put(Actor.SERVICE, system.token("perm-im", "service"));
        // Everyone has money: a refused create is refused for its role, not for want of funds.
        for (String user : users.values()) {
            system.deposit(user, 100_000_000L);
        }
        running = rainIn("RUNNING");
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    static Stream<Cell> table() {
        List<Cell> cells = new ArrayList<>();
        row(cells, Operation.CREATE, 403, "FORBIDDEN", 201, 201, 403, "FORBIDDEN");
        // The contract gives prepare and start to the owning anchor alone; an admin may close, for moderation.
        for (Operation steer : List.of(Operation.PREPARE, Operation.START)) {
            row(cells, steer, 403, "FORBIDDEN", 200, 403, "NOT_OWNER", 403, "FORBIDDEN");
        }
        for (Operation moderate : List.of(Operation.CLOSE, Operation.RECONCILIATION)) {
            row(cells, moderate, 403, "FORBIDDEN", 200, 403, "NOT_OWNER", 200);
        }
        row(cells, Operation.DEPOSIT, 403, "FORBIDDEN", 403, "FORBIDDEN", 403, "FORBIDDEN", 201);
        row(cells, Operation.GRAB, 200, 403, "FORBIDDEN", 403, "FORBIDDEN", 403, "FORBIDDEN");
        for (Operation read : List.of(Operation.DETAIL, Operation.RECORDS, Operation.WALLET)) {
            row(cells, read, 200, 200, 200, 200);
        }
        row(cells, Operation.ROOM_EVENTS, 101, 101, 101, 101);
        // An anchor lists its own rains only; an admin-only token has no rains of its own to list.
        row(cells, Operation.MY_RAINS, 403, "FORBIDDEN", 200, 200, 403, "FORBIDDEN");
        row(cells, Operation.ROOM_RAINS, 200, 200, 200, 200);
        // The IM platform's role exists for the group routes alone: its cells are these.
        for (Operation change : List.of(Operation.GROUP_JOIN, Operation.GROUP_LEAVE)) {
            row(cells, change, 403, "FORBIDDEN", 403, "FORBIDDEN", 403, "FORBIDDEN", 204);
            cells.add(new Cell(change, Actor.SERVICE, 204, null));
        }
        row(cells, Operation.GROUP_MEMBERS, 403, "NOT_A_MEMBER", 403, "NOT_A_MEMBER", 403, "NOT_A_MEMBER", 200);
        cells.add(new Cell(Operation.GROUP_MEMBERS, Actor.SERVICE, 200, null));
        return cells.stream();
    }

    /** One row: nobody always gets 401; then viewer, owner, other anchor, admin, each a status and its code if refused. */
    private static void row(List<Cell> cells, Operation operation, Object... answers) {
        cells.add(new Cell(operation, Actor.NOBODY, 401, operation == Operation.ROOM_EVENTS ? null : "UNAUTHORIZED"));
        int i = 0;
        for (Actor actor : List.of(Actor.VIEWER, Actor.OWNER, Actor.OTHER_ANCHOR, Actor.ADMIN)) {
            int status = (Integer) answers[i++];
            String code = null;
            if (status >= 400) {
                code = (String) answers[i++];
            }
            cells.add(new Cell(operation, actor, status, code));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    @DisplayName("each role and owner gets what the table says, and a refusal changes nothing")
    void cell(Cell cell) throws Exception {
        String code = switch (cell.operation()) {
            case PREPARE -> rainIn("WAIT_PREPARE");
            case START -> rainIn("PREPARED");
            case CLOSE -> rainIn("RUNNING");
            case CREATE, DEPOSIT, WALLET, ROOM_EVENTS, GROUP_JOIN, GROUP_LEAVE, GROUP_MEMBERS, MY_RAINS, ROOM_RAINS -> null;
            default -> running;
        };
        if (cell.operation() == Operation.GROUP_LEAVE) {
            // Someone to remove, so an allowed leave shows its effect and a refused one would too.
            assertEquals(204, system.client.put(GROUP + "/perm-target", tokens.get(Actor.ADMIN)).status());
        }
        String statusBefore = code == null ? null : status(code);
        String ledgerBefore = system.ledgerFingerprint();
        String membershipsBefore = system.membershipsFingerprint();
        long packetsBefore = code == null ? 0 : system.packetsInRedis(code, 1);

        if (cell.operation() == Operation.ROOM_EVENTS) {
            assertEquals(cell.status(), upgrade(tokens.get(cell.actor())));
            return;
        }
        ApiClient.Answer answer = call(cell.operation(), tokens.get(cell.actor()), code);

        assertEquals(cell.status(), answer.status(), answer.raw());
        if (cell.code() != null) {
            assertEquals("application/problem+json", answer.contentType(), answer.raw());
            assertEquals(cell.code(), answer.code(), answer.raw());
            assertEquals(ledgerBefore, system.ledgerFingerprint(), "a refusal changed the ledger");
            assertEquals(membershipsBefore, system.membershipsFingerprint(), "a refusal changed a group");
            if (code != null) {
                assertEquals(statusBefore, status(code), "a refusal moved the rain");
                assertEquals(packetsBefore, system.packetsInRedis(code, 1), "a refusal moved packets");
            }
            return;
        }
        assertAllowedEffect(cell, answer, code);
    }

    private void assertAllowedEffect(Cell cell, ApiClient.Answer answer, String code) throws Exception {
        if (cell.operation() == Operation.GROUP_JOIN || cell.operation() == Operation.GROUP_LEAVE) {
            long expected = cell.operation() == Operation.GROUP_JOIN ? 1 : 0;
            assertEquals(expected, system.queryLong(
                "SELECT count(*) FROM group_members WHERE group_id = 'g-perm' AND user_id = 'perm-target'"));
            return;
        }
        JsonObject body = answer.body();
        assertNotNull(body, answer.raw());
        switch (cell.operation()) {
            case CREATE -> {
                assertEquals("WAIT_PREPARE", body.getString("status"));
                assertEquals(users.get(cell.actor()), body.getString("anchorId"), "the creator is the rain's anchor");
            }
            case PREPARE -> assertEquals("PREPARED", body.getString("status"));
            case START -> assertEquals("RUNNING", body.getString("status"));
            case CLOSE -> system.awaitStatus(code, "FINISHED");
            case RECONCILIATION -> assertEquals(10_000L, body.getLong("funded"));
            case DEPOSIT -> assertEquals("perm-target", body.getString("userId"));
            case GRAB -> {
                assertEquals("WON", body.getString("outcome"), answer.raw());
                awaitSettled(code, 1);
            }
            case DETAIL -> assertEquals(code, body.getString("configCode"));
            case RECORDS -> assertNotNull(body.getJsonArray("records"));
            case WALLET -> assertEquals(users.get(cell.actor()), body.getString("userId"), "one's own wallet");
            case GROUP_MEMBERS -> assertNotNull(body.getJsonArray("members"), answer.raw());
            case MY_RAINS -> body.getJsonArray("rains").forEach(rain -> assertEquals(users.get(cell.actor()),
                ((JsonObject) rain).getString("anchorId"), "only the caller's own rains: " + answer.raw()));
            case ROOM_RAINS -> body.getJsonArray("rains").forEach(rain -> assertEquals(ROOM,
                ((JsonObject) rain).getString("roomId"), "only the room's rains: " + answer.raw()));
            default -> throw new AssertionError(cell);
        }
    }

    private ApiClient.Answer call(Operation operation, String token, String code) {
        return switch (operation) {
            case CREATE -> system.client.post("/v1/rains", token, rainBody());
            case PREPARE, START, CLOSE -> system.client.post("/v1/rains/" + code + "/" + operation.name().toLowerCase(), token, null);
            case RECONCILIATION -> system.client.get("/v1/rains/" + code + "/reconciliation", token);
            case DEPOSIT -> system.client.post("/v1/wallets/perm-target/deposits", token,
                new JsonObject().put("amount", 700).put("reference", "perm-" + UUID.randomUUID()));
            case GRAB -> system.client.post("/v1/rains/" + code + "/grab", token, new JsonObject().put("roomId", ROOM));
            case DETAIL -> system.client.get("/v1/rains/" + code, token);
            case RECORDS -> system.client.get("/v1/rains/" + code + "/records", token);
            case WALLET -> system.client.get("/v1/wallets/me", token);
            case GROUP_JOIN -> system.client.put(GROUP + "/perm-target", token);
            case GROUP_LEAVE -> system.client.delete(GROUP + "/perm-target", token);
            case GROUP_MEMBERS -> system.client.get(GROUP, token);
            case MY_RAINS -> system.client.get("/v1/rains?mine=true", token);
            case ROOM_RAINS -> system.client.get("/v1/rooms/" + ROOM + "/rains", token);
            default -> throw new AssertionError(operation);
        };
    }

    /** The status of the room WebSocket's handshake with this token (none: no token at all). */
    private int upgrade(String token) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", system.api().config().httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/rooms/" + ROOM + "/events HTTP/1.1\r\nHost: rain\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    /** A fresh rain of the owner's, brought to {@code status}. */
    private String rainIn(String status) {
        ApiClient.Answer created = system.client.post("/v1/rains", tokens.get(Actor.OWNER), rainBody());
        assertEquals(201, created.status(), created.raw());
        String code = created.body().getString("configCode");
        if (!status.equals("WAIT_PREPARE")) {
            assertEquals(200, system.client.post("/v1/rains/" + code + "/prepare", tokens.get(Actor.OWNER), null).status());
        }
        if (status.equals("RUNNING")) {
            assertEquals(200, system.client.post("/v1/rains/" + code + "/start", tokens.get(Actor.OWNER), null).status());
        }
        return code;
    }

    /** A won packet is credited asynchronously: wait, so that later cells compare a settled ledger. */
    private void awaitSettled(String code, long count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (system.client.get("/v1/rains/" + code, tokens.get(Actor.ADMIN)).body().getLong("settledCount") >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the grab of " + code + " was never settled");
    }

    private String status(String code) {
        return system.client.get("/v1/rains/" + code, tokens.get(Actor.ADMIN)).body().getString("status");
    }

    private static JsonObject rainBody() {
        return new JsonObject().put("roomId", ROOM).put("totalAmount", 10_000).put("totalCount", 10)
            .put("countdownSeconds", 0).put("durationSeconds", 3600);
    }
}
