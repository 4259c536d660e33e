package dev.rain.bench.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * The most WON grabs a second this machine could answer if a grab cost nothing beyond some of its floors: the cores
 * over the sum of the floors' CPU per operation. Kafka, the relay, the ledger and the grab's own work are left out,
 * so the real path can only be slower.
 */
final class Ceiling {

    private Ceiling() {
    }

    /** Operations a second the cores could give at these microseconds of CPU each; empty when they add up to none. */
    static String rps(int cores, double... microsecondsPerOperation) {
        double sum = Arrays.stream(microsecondsPerOperation).sum();
        return sum > 0 ? PrintfFormat.fixed(cores * 1e6 / sum, 0) : "";
    }

    /** Records each grab run's ceiling, then the one with the ledger's floors added. */
    static void record(Path tsv, int cores) throws IOException {
        ResultsFile results = ResultsFile.read(tsv);
        Map<String, Double> health = results.byRun("grab", "health_http_cpu_us");
        Map<String, Double> grabScript = results.byRun("grab", "floor_grab_redis_cpu_us");
        TreeSet<String> runs = new TreeSet<>(health.keySet());
        runs.addAll(grabScript.keySet());
        for (String run : runs) {
            ResultsFile.append(tsv, "grab", "won_ceiling_rps", run,
                rps(cores, health.getOrDefault(run, 0.0), grabScript.getOrDefault(run, 0.0)));
        }
        double[] ledgerFloors = {
            FigureSummary.of(results.values("grab", "health_http_cpu_us")).median(),
            FigureSummary.of(results.values("grab", "floor_grab_redis_cpu_us")).median(),
            FigureSummary.of(results.values("settle", "floor_kafka_cpu_us")).median(),
            FigureSummary.of(results.values("settle", "floor_pg_cpu_us")).median()};
        if (Arrays.stream(ledgerFloors).noneMatch(Double::isNaN)) {
            ResultsFile.append(tsv, "grab", "won_ceiling_ledger_rps", "1", rps(cores, ledgerFloors));
        }
    }
}
