package dev.rain.common.ledger.settle;

import dev.rain.common.ledger.Database;
import java.sql.SQLException;
import java.util.List;

/** Applies a batch of claims in one transaction of its own: all of it is committed, or none of it. */
@FunctionalInterface
public interface LedgerWriter {

    BatchResult apply(List<Claim> claims) throws SQLException;

    static LedgerWriter of(Database database, SettlementLedger ledger) {
        return claims -> database.inTransaction(connection -> ledger.apply(connection, claims));
    }
}
