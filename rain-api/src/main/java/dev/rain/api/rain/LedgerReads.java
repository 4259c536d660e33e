package dev.rain.api.rain;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.RainRecord;
import dev.rain.common.ledger.ReadSql;
import dev.rain.common.ledger.Reconciliation;
import io.vertx.core.Future;
import java.util.List;

/** What the ledger holds of one rain: its settled grab records a page at a time, and its reconciliation. */
public final class LedgerReads {

    /** Up to a page of records in settlement order, and where the next page starts (null after the last). */
    public record Page(RainRecord rain, List<ReadSql.GrabRecord> records, ReadSql.Position next) {
    }

    private final LedgerExecutor ledger;
    private final RainService rains;

    public LedgerReads(LedgerExecutor ledger, RainService rains) {
        this.ledger = ledger;
        this.rains = rains;
    }

    /** The records settled after {@code after}, at most {@code limit}; one more is read to tell whether more follow. */
    public Future<Page> records(String code, ReadSql.Position after, int limit) {
        return rains.find(code)
            .compose(rain -> ledger.transaction(c -> ReadSql.records(c, code, after, limit + 1))
                .map(records -> page(rain, records, limit)));
    }

    private static Page page(RainRecord rain, List<ReadSql.GrabRecord> records, int limit) {
        ReadSql.Position next = records.size() > limit ? records.get(limit - 1).position() : null;
        return new Page(rain, records.stream().limit(limit).toList(), next);
    }

    /** What Redis says was grabbed against what the ledger holds; the rain's own anchor or an admin only. */
    public Future<Reconciliation> reconciliation(String code, String callerId, boolean admin) {
        return rains.owned(code, callerId, admin)
            .compose(rain -> rains.detail(rain)
                .compose(detail -> ledger.transaction(c -> ReadSql.figures(c, code))
                    .map(figures -> Reconciliation.of(rain, detail.grabbedAmount(), figures))));
    }
}
