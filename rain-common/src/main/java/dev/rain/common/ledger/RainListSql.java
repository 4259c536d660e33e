package dev.rain.common.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lists of rains read from the {@code rains} table: a room's, an anchor's, and the ones still to be finished. */
public final class RainListSql {

    private static final String SELECT = "SELECT " + RainRecord.COLUMNS + " FROM rains ";

    /**
     * A place in a list of rains, newest first: unfinished rains before finished ones (a room's list; an anchor's
     * list keeps {@code finished} false throughout), then creation time, then the code that breaks ties.
     */
    public record ListPosition(boolean finished, Instant createdAt, String configCode) {
    }

    /** An anchor's rains, newest first, after a position. */
    private static final String BY_ANCHOR = SELECT + """
        WHERE anchor_id = ? AND (created_at, config_code) < (?, ?)
        ORDER BY created_at DESC, config_code DESC LIMIT ?""";
    /**
     * A room's rains: the ones not finished first, then the finished, each newest first. The phase is the expression
     * of the index {@code rains_by_room} (V6), so both halves are read from it in order.
     */
    private static final String IN_ROOM = SELECT + """
        WHERE room_id = ? AND ((status = 'FINISHED') > ?
           OR ((status = 'FINISHED') = ? AND (created_at, config_code) < (?, ?)))
        ORDER BY (status = 'FINISHED'), created_at DESC, config_code DESC LIMIT ?""";

    private RainListSql() {
    }

    /** The room's rains that have started and not finished: what a viewer joining late must hear about. */
    public static List<RainRecord> runningInRoom(Connection c, String roomId) throws SQLException {
        return list(c, SELECT + "WHERE room_id = ? AND status = 'RUNNING' AND start_published AND ends_at > now()",
            roomId);
    }

    /** Up to {@code limit} of the anchor's rains after {@code after} (null: from the newest). */
    public static List<RainRecord> byAnchor(Connection c, String anchorId, ListPosition after, int limit)
        throws SQLException {
        try (PreparedStatement select = c.prepareStatement(BY_ANCHOR)) {
            select.setString(1, anchorId);
            setBefore(select, 2, after);
            select.setInt(4, limit);
            return read(select);
        }
    }

    /** Up to {@code limit} of the room's rains after {@code after} (null: from the first unfinished one). */
    public static List<RainRecord> inRoom(Connection c, String roomId, ListPosition after, int limit)
        throws SQLException {
        try (PreparedStatement select = c.prepareStatement(IN_ROOM)) {
            select.setString(1, roomId);
            boolean finished = after != null && after.finished();
            select.setBoolean(2, finished);
            select.setBoolean(3, finished);
            setBefore(select, 4, after);
            select.setInt(6, limit);
            return read(select);
        }
    }

    /** Before the start of a list: a time no rain is created at and a code that sorts after every code. */
    private static void setBefore(PreparedStatement select, int index, ListPosition after) throws SQLException {
        select.setTimestamp(index, Timestamp.from(after == null ? Instant.parse("9999-12-31T00:00:00Z") : after.createdAt()));
        select.setString(index + 1, after == null ? "~" : after.configCode());
    }

    /** Rains the finisher and the outbox sweeper must still look after. */
    public static List<RainRecord> unfinished(Connection c) throws SQLException {
        return list(c, SELECT + "WHERE status = 'RUNNING' OR (status = 'FINISHED' AND NOT released)");
    }

    private static List<RainRecord> list(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                select.setString(i + 1, args[i]);
            }
            return read(select);
        }
    }

    private static List<RainRecord> read(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            List<RainRecord> rains = new ArrayList<>();
            while (rs.next()) {
                rains.add(RainRecord.read(rs));
            }
            return rains;
        }
    }
}
