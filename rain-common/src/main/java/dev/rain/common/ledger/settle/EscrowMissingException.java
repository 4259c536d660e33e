package dev.rain.common.ledger.settle;

import java.sql.SQLException;
import java.util.List;

/** An escrow to debit has no account row: nothing can be paid from it, as if it were exhausted. */
final class EscrowMissingException extends SQLException {

    EscrowMissingException(List<String> accounts) {
        super("no account row for " + accounts);
    }
}
