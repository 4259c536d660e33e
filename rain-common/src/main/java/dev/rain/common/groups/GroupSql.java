package dev.rain.common.groups;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** SQL of chat groups' members: joining (capped), leaving, and reading a group's members in id order. */
public final class GroupSql {

    /**
     * Joins to one group take turns: the cap is a count of rows, and two joins counting at once would each see
     * room for one more. Locking the group's rows would not do: it cannot stop a new row, and an empty group has
     * none. The lock ends with the transaction; groups whose ids hash alike only take turns with each other.
     * The first key keeps this lock apart from any other advisory lock on the database.
     */
    private static final String LOCK_GROUP = "SELECT pg_advisory_xact_lock(1735553139, hashtext(?))";
    /** Insert-first: a member joining again changes nothing. */
    private static final String JOIN = """
        INSERT INTO group_members (group_id, user_id) VALUES (?, ?)
        ON CONFLICT (group_id, user_id) DO NOTHING""";
    private static final String COUNT = "SELECT count(*) FROM group_members WHERE group_id = ?";
    private static final String LEAVE = "DELETE FROM group_members WHERE group_id = ? AND user_id = ?";
    private static final String IS_MEMBER = "SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?";
    private static final String MEMBERS = """
        SELECT user_id FROM group_members WHERE group_id = ? AND user_id > ? ORDER BY user_id LIMIT ?""";

    private GroupSql() {
    }

    /**
     * Makes {@code userId} a member of {@code groupId}; a member already is one, even in a full group.
     *
     * @throws RainException GROUP_FULL when the group already has {@code maxMembers} members; the caller's
     *                       transaction must then roll back, which takes the new row away again
     */
    public static void join(Connection c, String groupId, String userId, int maxMembers) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement(LOCK_GROUP)) {
            lock.setString(1, groupId);
            lock.executeQuery().close();
        }
        boolean joined;
        try (PreparedStatement insert = c.prepareStatement(JOIN)) {
            insert.setString(1, groupId);
            insert.setString(2, userId);
            joined = insert.executeUpdate() == 1;
        }
        if (joined && count(c, groupId) > maxMembers) {
            throw new RainException(ErrorCode.GROUP_FULL, "the group already has " + maxMembers + " members");
        }
    }

    /** A user who is not a member stays one who is not. */
    public static void leave(Connection c, String groupId, String userId) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(LEAVE)) {
            delete.setString(1, groupId);
            delete.setString(2, userId);
            delete.executeUpdate();
        }
    }

    public static boolean isMember(Connection c, String groupId, String userId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(IS_MEMBER)) {
            select.setString(1, groupId);
            select.setString(2, userId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Up to {@code limit} members after {@code afterUserId} ("" for the first page), by id byte by byte. */
    public static List<String> members(Connection c, String groupId, String afterUserId, int limit)
        throws SQLException {
        try (PreparedStatement select = c.prepareStatement(MEMBERS)) {
            select.setString(1, groupId);
            select.setString(2, afterUserId);
            select.setInt(3, limit);
            try (ResultSet rs = select.executeQuery()) {
                List<String> members = new ArrayList<>();
                while (rs.next()) {
                    members.add(rs.getString(1));
                }
                return members;
            }
        }
    }

    private static long count(Connection c, String groupId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(COUNT)) {
            select.setString(1, groupId);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
