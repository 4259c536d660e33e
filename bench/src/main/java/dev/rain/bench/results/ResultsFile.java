package dev.rain.bench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's results.tsv: one figure a line, {@code stage<TAB>figure<TAB>run<TAB>value}. bench/run appends to it as
 * the stages go; an empty value is a figure a run could not measure, and counts as no sample.
 */
public final class ResultsFile {

    /** One line of the file. */
    public record Sample(String stage, String figure, String run, String value) {
    }

    private final List<Sample> samples;

    public ResultsFile(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    public static ResultsFile read(Path tsv) throws IOException {
        return new ResultsFile(Files.readAllLines(tsv, StandardCharsets.UTF_8).stream()
            .map(line -> line.split("\t", -1))
            .filter(fields -> fields.length >= 4)
            .map(fields -> new Sample(fields[0], fields[1], fields[2], fields[3]))
            .toList());
    }

    /** Appends one figure, as bench/run's {@code record} does. */
    public static void append(Path tsv, String stage, String figure, String run, String value) throws IOException {
        Files.writeString(tsv, stage + "\t" + figure + "\t" + run + "\t" + value + "\n", StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Every measured value of a figure, in the order the runs recorded them. */
    public double[] values(String stage, String figure) {
        return samples.stream()
            .filter(s -> s.stage().equals(stage) && s.figure().equals(figure) && !s.value().isEmpty())
            .mapToDouble(s -> number(s.value()))
            .toArray();
    }

    /** A figure's value by run; a run that recorded it twice keeps its last value. */
    public Map<String, Double> byRun(String stage, String figure) {
        Map<String, Double> byRun = new LinkedHashMap<>();
        samples.stream()
            .filter(s -> s.stage().equals(stage) && s.figure().equals(figure) && !s.value().isEmpty())
            .forEach(s -> byRun.put(s.run(), number(s.value())));
        return byRun;
    }

    // What awk's "+ 0" made of a value bench/run recorded: its number, or 0 when it is none.
    private static double number(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
