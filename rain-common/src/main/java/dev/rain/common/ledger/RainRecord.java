package dev.rain.common.ledger;

import dev.rain.common.RainMode;
import dev.rain.common.RainStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** One row of {@code rains}: a rain's configuration, lifecycle times and ledger-side counters. */
public record RainRecord(
    String configCode,
    String roomId,
    String anchorId,
    RainMode mode,
    RainStatus status,
    long totalAmount,
    int totalCount,
    int maxGrabsPerUser,
    int countdownSeconds,
    int durationSeconds,
    Integer shardCount,
    String prepareToken,
    Instant createdAt,
    Instant startsAt,
    Instant endsAt,
    Instant soldOutAt,
    Instant finishedAt,
    Integer claimedCount,
    Long claimedAmount,
    int settledCount,
    long settledAmount,
    int rejectedCount,
    long refundedAmount,
    String bestLuckUser,
    Long bestLuckAmount,
    String bestLuckPacket,
    boolean startPublished,
    boolean endPublished,
    boolean released) {

    static final String COLUMNS = "config_code, room_id, anchor_id, mode, status, total_amount, total_count, "
        + "max_grabs_per_user, countdown_seconds, duration_seconds, shard_count, prepare_token, created_at, "
        + "starts_at, ends_at, sold_out_at, finished_at, claimed_count, claimed_amount, settled_count, "
        + "settled_amount, rejected_count, refunded_amount, best_luck_user, best_luck_amount, best_luck_packet, "
        + "start_published, end_published, released";

    static RainRecord read(ResultSet rs) throws SQLException {
        return new RainRecord(
            rs.getString("config_code"),
            rs.getString("room_id"),
            rs.getString("anchor_id"),
            RainMode.valueOf(rs.getString("mode")),
            RainStatus.valueOf(rs.getString("status")),
            rs.getLong("total_amount"),
            rs.getInt("total_count"),
            rs.getInt("max_grabs_per_user"),
            rs.getInt("countdown_seconds"),
            rs.getInt("duration_seconds"),
            (Integer) rs.getObject("shard_count"),
            rs.getString("prepare_token"),
            instant(rs, "created_at"),
            instant(rs, "starts_at"),
            instant(rs, "ends_at"),
            instant(rs, "sold_out_at"),
            instant(rs, "finished_at"),
            (Integer) rs.getObject("claimed_count"),
            (Long) rs.getObject("claimed_amount"),
            rs.getInt("settled_count"),
            rs.getLong("settled_amount"),
            rs.getInt("rejected_count"),
            rs.getLong("refunded_amount"),
            rs.getString("best_luck_user"),
            (Long) rs.getObject("best_luck_amount"),
            rs.getString("best_luck_packet"),
            rs.getBoolean("start_published"),
            rs.getBoolean("end_published"),
            rs.getBoolean("released"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    /** Every claim the rain's shards handed out has been credited or refused by the ledger. */
    public boolean allClaimsSettled() {
        return claimedCount != null && settledCount + rejectedCount >= claimedCount;
    }
}
