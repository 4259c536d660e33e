package dev.rain.bench.audit;

import dev.rain.bench.results.ResultsFile;
import dev.rain.common.ledger.LedgerAudit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the money audit found, as the table's audit rows and in words. */
record AuditFigures(long rainsAudited, long rainsUnbalanced, LedgerAudit.Books books, long viewersOverCap,
                    long redisKeysLeft) {

    void record(Path tsv) throws IOException {
        ResultsFile.append(tsv, "audit", "rains_audited", "1", Long.toString(rainsAudited));
        ResultsFile.append(tsv, "audit", "rains_unbalanced", "1", Long.toString(rainsUnbalanced));
        ResultsFile.append(tsv, "audit", "money_created", "1", Long.toString(books.balances() - books.deposits()));
        ResultsFile.append(tsv, "audit", "accounts_off_journal", "1", Long.toString(books.accountsOffJournal()));
        ResultsFile.append(tsv, "audit", "over_limit", "1", Long.toString(viewersOverCap));
        ResultsFile.append(tsv, "audit", "redis_keys_left", "1", Long.toString(redisKeysLeft));
    }

    String summary() {
        return "money audit: " + rainsAudited + " rains served by the API, " + rainsUnbalanced
            + " not finished balanced; balances minus deposits " + (books.balances() - books.deposits())
            + "; accounts off their journal " + books.accountsOffJournal() + "; viewers over a rain's limit "
            + viewersOverCap + "; Redis keys left " + redisKeysLeft;
    }

    /** The ledger's own problems ({@link LedgerAudit.Books#problems()}) and the cap's, in words. */
    List<String> problems() {
        List<String> problems = new ArrayList<>(books.problems());
        if (viewersOverCap != 0) {
            problems.add(viewersOverCap + " viewers hold more of a rain than its maxGrabsPerUser");
        }
        return problems;
    }

    boolean sound() {
        return rainsUnbalanced == 0 && redisKeysLeft == 0 && problems().isEmpty();
    }
}
