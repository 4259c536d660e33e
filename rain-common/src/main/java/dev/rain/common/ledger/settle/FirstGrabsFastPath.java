package dev.rain.common.ledger.settle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The batch nearly every batch is: grabs the journal has never seen, of running rains, each in an allowed slot,
 * all of which the schema accepts. Settled in three round trips instead of one per statement: the journal INSERT
 * and the rain locks go together, then the money, the counters and best luck together, then COMMIT. pgjdbc sends
 * the statements of one prepared statement in one message and reads their results after.
 *
 * <p>The journal rows go in before the rains are locked, so consumers settling the same rain (loops and replicas,
 * each on its own partitions) write their rows at the same time and queue on the rain only for the money, the
 * counters and the commit. A batch waiting for its rain holds only rows nobody else can see, inserted in bizId
 * order, so two batches carrying the same claims queue instead of deadlocking; the one cycle left (a careful
 * settler waiting for one of this batch's rows) Postgres breaks with 40P01, which the loop retries as transient.
 *
 * <p>It is optimistic: the journal rows are inserted before the locked rains are looked at. Anything that makes
 * the batch not that batch (an unknown or finished rain, a slot out of range, a constraint's refusal: a
 * redelivered bizId, a slot already taken, an escrow that cannot pay) rolls the transaction back, and the caller
 * settles the batch as it always did, rains locked first, claim against journal. The transaction must hold nothing
 * else.
 */
final class FirstGrabsFastPath {

    private static final String INSERT_AND_LOCK = TransferRows.INSERT_ROWS + ";\n" + RainRows.LOCK;
    private static final Comparator<Claim> BY_BIZ_ID = Comparator.comparing(Claim::bizId);
    private static final String MOVE_AND_COUNT = AccountRows.MOVE + ";\n" + RainRows.ADD_COUNTERS + ";\n"
        + RainRows.RAISE_BEST_LUCK;

    private FirstGrabsFastPath() {
    }

    /** Whether {@link #settle} may take the batch at all: grabs only, no bizId twice. */
    static boolean candidates(List<Claim> claims) {
        return claims.stream().allMatch(Claim::isGrab)
            && claims.stream().map(Claim::bizId).distinct().count() == claims.size();
    }

    /**
     * @param grabs {@link #candidates}
     * @return every grab credited; empty when the batch was not the usual one and the transaction was rolled back
     */
    static Optional<BatchResult> settle(Connection c, SortedSet<String> codes, List<Claim> grabs,
                                        List<Claim> bestPerRain) throws SQLException {
        try {
            Map<String, LockedRain> rains = insertAndLock(c, codes, grabs);
            if (!grabs.stream().allMatch(grab -> insertable(grab, rains.get(grab.configCode())))) {
                c.rollback();
                return Optional.empty();
            }
            moveAndCount(c, grabs, bestPerRain);
        } catch (SQLException e) {
            if (!TransferRows.isConstraintViolation(e) && Refusals.of(e).isEmpty()) {
                throw e;
            }
            c.rollback();
            return Optional.empty();
        }
        return Optional.of(new BatchResult(grabs.size(), 0, 0, List.of()));
    }

    private static boolean insertable(Claim grab, LockedRain rain) {
        return rain != null && !rain.finished() && rain.slotAllowed(grab.slot());
    }

    private static Map<String, LockedRain> insertAndLock(Connection c, SortedSet<String> codes, List<Claim> grabs)
        throws SQLException {
        List<Claim> inKeyOrder = new ArrayList<>(grabs);
        inKeyOrder.sort(BY_BIZ_ID);
        try (PreparedStatement statement = c.prepareStatement(INSERT_AND_LOCK)) {
            int next = TransferRows.bind(statement, 1, inKeyOrder);
            RainRows.bindLock(statement, next, codes);
            // The INSERT's count first; a refused row has already failed execute().
            statement.execute();
            statement.getMoreResults();
            try (ResultSet rs = statement.getResultSet()) {
                return RainRows.locked(rs);
            }
        }
    }

    private static void moveAndCount(Connection c, List<Claim> grabs, List<Claim> bestPerRain) throws SQLException {
        AccountRows.Moves moves = AccountRows.Moves.of(grabs);
        try (PreparedStatement statement = c.prepareStatement(MOVE_AND_COUNT)) {
            int next = AccountRows.bindMove(statement, 1, moves);
            next = RainRows.bindCounters(statement, next, RainRows.settled(grabs).values());
            RainRows.bindBestLuck(statement, next, bestPerRain);
            statement.execute();
            try (ResultSet rs = statement.getResultSet()) {
                AccountRows.checkDebited(moves, rs);
            }
            statement.getMoreResults();
            statement.getMoreResults();
        }
    }
}
