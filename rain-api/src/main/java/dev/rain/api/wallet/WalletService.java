package dev.rain.api.wallet;

import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.common.ledger.WalletSql;
import io.vertx.core.Future;
import java.util.List;

/** Wallets: a deposit into one (idempotent by reference), and what one holds with its latest entries. */
public final class WalletService {

    /** A wallet's balance and its latest entries, newest first, read from one snapshot so they agree. */
    public record Wallet(String userId, long balance, List<WalletSql.Entry> entries) {
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

    public Future<Wallet> wallet(String userId, int entries) {
        return ledger.transaction(c -> {
            WalletSql.readOneSnapshot(c);
            return new Wallet(userId, WalletSql.balance(c, userId), WalletSql.entries(c, userId, entries));
        });
    }
}
