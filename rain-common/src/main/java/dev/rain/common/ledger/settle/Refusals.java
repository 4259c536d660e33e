package dev.rain.common.ledger.settle;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The constraint violations that mean "this claim must not be credited", as opposed to a bug or an outage.
 * The schema's constraints are the last line of defence of the money invariants; these are the two a claim
 * can trip when Redis lost writes.
 */
final class Refusals {

    /** Unique (config_code, user_id, grab_slot) of grabs: the viewer already holds that slot. */
    static final String GRAB_SLOTS_INDEX = "transfers_grab_slots";
    /** CHECK (balance >= 0) on accounts: the escrow cannot cover the packet. */
    static final String BALANCE_CHECK = "accounts_balance_check";

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String CHECK_VIOLATION = "23514";

    private Refusals() {
    }

    static Optional<AnomalyReason> of(SQLException e) {
        if (e instanceof EscrowMissingException) {
            return Optional.of(AnomalyReason.ESCROW_EXHAUSTED);
        }
        if (!(e instanceof PSQLException psql) || psql.getServerErrorMessage() == null) {
            return Optional.empty();
        }
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (UNIQUE_VIOLATION.equals(e.getSQLState()) && GRAB_SLOTS_INDEX.equals(server.getConstraint())) {
            return Optional.of(AnomalyReason.OVER_USER_LIMIT);
        }
        if (CHECK_VIOLATION.equals(e.getSQLState()) && BALANCE_CHECK.equals(server.getConstraint())) {
            return Optional.of(AnomalyReason.ESCROW_EXHAUSTED);
        }
        return Optional.empty();
    }
}
