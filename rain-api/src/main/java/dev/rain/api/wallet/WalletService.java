package dev.rain.api.wallet;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.WalletSql;
import io.vertx.core.Future;
import java.util.List;

/** Wallets: a deposit into one (idempotent by reference), and what one holds with its latest entries. */
public final class WalletService {

    /**
     * A wallet's balance and a page of its entries, newest first, read from one snapshot so they agree.
     *
     * @param next the seq the next page goes on below, or null when no older entry exists
     */
    public record Wallet(String userId, long balance, List<WalletSql.Entry> entries, Long next) {
    }

    private final LedgerExecutor ledger;

    public WalletService(LedgerExecutor ledger) {
        this.ledger = ledger;
    }

    /**
     * Credits {@code amount} once per {@code reference}: the same reference, user and amount again answers what
     * the first deposit answered; any other reuse is refused with REFERENCE_REUSED.
     */
    public Future<WalletSql.Balance> deposit(String userId, long amount, String reference) {
        return ledger.transaction(c -> WalletSql.deposit(c, userId, amount, reference));
    }

    /** The balance and up to {@code limit} entries below the journal seq {@code beforeSeq}. */
    public Future<Wallet> wallet(String userId, long beforeSeq, int limit) {
        return ledger.transaction(c -> {
            WalletSql.readOneSnapshot(c);
            long balance = WalletSql.balance(c, userId);
            // One more than the page: whether it exists says if there is a next page, so the last says null.
            List<WalletSql.Entry> entries = WalletSql.entries(c, userId, beforeSeq, limit + 1);
            List<WalletSql.Entry> shown = entries.subList(0, Math.min(limit, entries.size()));
            Long next = entries.size() > limit ? shown.get(shown.size() - 1).seq() : null;
            return new Wallet(userId, balance, List.copyOf(shown), next);
        });
    }
}
