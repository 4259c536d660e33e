package dev.rain.bench.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The audit's reads of the rains table; the money questions themselves are {@code LedgerAudit}'s. */
final class AuditSql {

    private AuditSql() {
    }

    static List<String> rainsByAge(Connection c) throws SQLException {
        List<String> codes = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT config_code FROM rains ORDER BY created_at");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                codes.add(rs.getString(1));
            }
        }
        return codes;
    }

    /** Whether the finisher has let go of the rain's keys, or it never had any (never prepared). */
    static boolean releasedOrNeverPrepared(Connection c, String code) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
            "SELECT released OR shard_count IS NULL FROM rains WHERE config_code = ?")) {
            select.setString(1, code);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
