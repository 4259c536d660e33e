package dev.rain.common.ledger.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL of {@code claim_anomalies}: each refused claim recorded once, however often it is redelivered. */
final class AnomalyRows {

    private static final String INSERT = """
        INSERT INTO claim_anomalies (config_code, packet_id, user_id, amount, occurred_at, reason, detail)
        SELECT a.config_code, a.packet_id, a.user_id, a.amount, a.occurred_at::timestamptz, a.reason, a.detail
        FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[])
          AS a(config_code, packet_id, user_id, amount, occurred_at, reason, detail)
        ON CONFLICT (packet_id, user_id, occurred_at) DO NOTHING
        RETURNING packet_id, user_id, occurred_at""";

    private record Key(String packetId, String userId, Instant occurredAt) {
    }

    private AnomalyRows() {
    }

    /** @return the anomalies recorded by this call; those seen before are left out */
    static List<Anomaly> insert(Connection c, List<Anomaly> anomalies) throws SQLException {
        if (anomalies.isEmpty()) {
            return List.of();
        }
        Map<Key, Anomaly> byKey = new LinkedHashMap<>();
        for (Anomaly anomaly : anomalies) {
            byKey.putIfAbsent(key(anomaly.claim()), anomaly);
        }
        List<Anomaly> rows = List.copyOf(byKey.values());
        List<Anomaly> recorded = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            insert.setObject(1, PgArrays.text(rows, a -> a.claim().configCode()));
            insert.setObject(2, PgArrays.text(rows, a -> a.claim().bizId()));
            insert.setObject(3, PgArrays.text(rows, a -> a.claim().userId()));
            insert.setObject(4, PgArrays.bigint(rows, a -> a.claim().amount()));
            insert.setObject(5, PgArrays.timestamps(rows, a -> a.claim().occurredAt()));
            insert.setObject(6, PgArrays.text(rows, a -> a.reason().name()));
            insert.setObject(7, PgArrays.text(rows, Anomaly::detail));
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    recorded.add(byKey.get(new Key(rs.getString(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant())));
                }
            }
        }
        return recorded;
    }

    private static Key key(Claim claim) {
        return new Key(claim.bizId(), claim.userId(), claim.occurredAt());
    }
}
