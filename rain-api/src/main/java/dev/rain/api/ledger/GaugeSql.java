package dev.rain.api.ledger;

import dev.rain.common.id.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the ledger gauges of /metrics read: escrow balances of running rains, refused claims. */
public final class GaugeSql {

    private static final String RUNNING_ESCROWS = """
        SELECT r.config_code, a.balance FROM rains r
        JOIN accounts a ON a.account_id = ? || r.config_code
        WHERE r.status = 'RUNNING'""";
    private static final String ANOMALIES = "SELECT count(*) FROM claim_anomalies";

    private GaugeSql() {
    }

    /** Escrow balance (minor units) of every running rain, by config code. */
    public static Map<String, Long> runningEscrows(Connection c) throws SQLException {
        Map<String, Long> balances = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement(RUNNING_ESCROWS)) {
            // The escrow account's name comes from the one place that defines it.
            select.setString(1, Ids.escrowAccount(""));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    balances.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return balances;
    }

    /** Claims the ledger refused, over all rains: each is one a reconciliation reports. */
    public static long anomalies(Connection c) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(ANOMALIES); ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
