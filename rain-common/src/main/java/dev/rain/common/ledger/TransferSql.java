package dev.rain.common.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** The journal row of one money movement the API itself makes: deposit, funding, refund. */
final class TransferSql {

    private static final String INSERT = """
        INSERT INTO transfers (biz_id, kind, debit_account, credit_account, amount, config_code, user_id, occurred_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, now())""";

    private TransferSql() {
    }

    /** @param debit null for a deposit, the only money that enters from outside */
    static void insert(Connection c, String bizId, String kind, String debit, String credit, long amount,
                       String configCode, String userId) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            insert.setString(1, bizId);
            insert.setString(2, kind);
            if (debit == null) {
                insert.setNull(3, Types.VARCHAR);
            } else {
                insert.setString(3, debit);
            }
            insert.setString(4, credit);
            insert.setLong(5, amount);
            if (configCode == null) {
                insert.setNull(6, Types.VARCHAR);
            } else {
                insert.setString(6, configCode);
            }
            insert.setString(7, userId);
            insert.executeUpdate();
        }
    }
}
