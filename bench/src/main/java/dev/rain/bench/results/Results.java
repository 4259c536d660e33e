package dev.rain.bench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What bench/run asks of a run's results.tsv once the stages are done; bash orchestrates, the numbers are made here.
 *
 * <ul>
 *   <li>{@code table <results.tsv> <stages,comma,separated> <g2c-rate>}: prints the summary table.</li>
 *   <li>{@code ceilings <results.tsv> <cores>}: records each grab run's WON ceiling (cores over a request as cheap
 *       as /health/live plus one grab.lua at Redis's pipelined cost, both of that run), and the ceiling with a claim's
 *       broker and Postgres floors added (medians; the stages run minutes apart) when all four floors were
 *       measured.</li>
 *   <li>{@code publish <summary.md> <RESULTS.md>}: puts the summary into RESULTS.md's generated block.</li>
 * </ul>
 */
public final class Results {

    private Results() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "table" -> SummaryTable.lines(ResultsFile.read(Path.of(args[1])), stages(args[2]), args[3])
                .forEach(System.out::println);
            case "ceilings" -> Ceiling.record(Path.of(args[1]), Integer.parseInt(args[2]));
            case "publish" -> ResultsBlock.publish(Path.of(args[1]), Path.of(args[2]));
            default -> {
                System.err.println("usage: Results table|ceilings|publish ...");
                System.exit(2);
            }
        }
    }

    private static Set<String> stages(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
