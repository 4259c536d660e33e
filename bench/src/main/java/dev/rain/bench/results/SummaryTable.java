package dev.rain.bench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Markdown table of a run's figures: the block bench/run prints and puts into bench/RESULTS.md. */
final class SummaryTable {

    private static final String HEADER = "| figure | target | median | min | max | runs | floor, same run (median) "
        + "| ratio |";
    private static final String RULE = "|---|---|---|---|---|---|---|---|";

    private SummaryTable() {
    }

    static List<String> lines(ResultsFile results, Set<String> stages, String g2cRate) {
        boolean audited = results.values("audit", "rains_audited").length > 0;
        List<String> lines = new ArrayList<>(List.of(HEADER, RULE));
        TableRows.of(stages, g2cRate, audited).forEach(row -> lines.add(row.render(results)));
        return lines;
    }
}
