package dev.rain.common.ledger;

import dev.rain.common.RainStatus;
import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the ledger gauges of /metrics read: totals only (escrow held by running rains, rains by status,
 * refused claims), never a rain's own figures, so that the metrics name no rain.
 */
public final class GaugeSql {

    private static final String RUNNING_ESCROWS = """
        SELECT coalesce(sum(a.balance), 0) FROM rains r
        JOIN accounts a ON a.account_id = ? || r.config_code
        WHERE r.status = 'RUNNING'""";
    /** Unfinished only: the rains_unfinished index answers it, however many rains have finished. */
    private static final String UNFINISHED_BY_STATUS = """
        SELECT status, count(*) FROM rains WHERE status <> 'FINISHED' GROUP BY status""";
    private static final String ANOMALIES = "SELECT count(*) FROM claim_anomalies";

    private GaugeSql() {
    }

    /** What the escrows of all running rains hold together (minor units). */
    public static long runningEscrows(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(RUNNING_ESCROWS)) {
            // The escrow account's name comes from the one place that defines it.
            select.setString(1, Ids.escrowAccount(""));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** How many rains are in each status short of FINISHED; a status with none is absent. */
    public static Map<RainStatus, Long> unfinishedByStatus(Connection c) throws SQLException {
        Map<RainStatus, Long> counts = new EnumMap<>(RainStatus.class);
        try (PreparedStatement select = c.prepareStatement(UNFINISHED_BY_STATUS); ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                counts.put(RainStatus.valueOf(rs.getString(1)), rs.getLong(2));
            }
        }
        return counts;
    }

    /** Claims the ledger refused, over all rains: each is one a reconciliation reports. */
    public static long anomalies(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(ANOMALIES); ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
