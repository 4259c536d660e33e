package dev.rain.bench.results;

import java.util.Map;
import java.util.stream.DoubleStream;

/**
 * One row of the summary table: a figure's median, least and most over the runs, next to its floor (another figure)
 * and how the two compare.
 *
 * @param floorFigure empty for a row without a floor
 */
record TableRow(String label, String target, String stage, String figure, String floorStage, String floorFigure,
                Comparison comparison) {

    /** How a figure is set against its floor. */
    enum Comparison {
        /** a rate: the figure as a share of its floor's rate */
        RATE,
        /** a time: the floor's time as a share of the figure's */
        TIME,
        /** how many times the floor the figure is */
        TIMES,
        NONE
    }

    static TableRow plain(String label, String target, String stage, String figure) {
        return new TableRow(label, target, stage, figure, "", "", Comparison.NONE);
    }

    static TableRow against(String label, String target, String stage, String figure, String floorFigure,
                            Comparison comparison) {
        return new TableRow(label, target, stage, figure, stage, floorFigure, comparison);
    }

    /** The row as a line of the Markdown table. */
    String render(ResultsFile results) {
        FigureSummary measured = FigureSummary.of(results.values(stage, figure));
        FigureSummary floor = floorFigure.isEmpty() ? FigureSummary.NONE
            : FigureSummary.of(results.values(floorStage, floorFigure));
        String floorCell = PrintfFormat.figure(floor.median());
        if (!floorFigure.isEmpty()) {
            floorCell += " (" + floorFigure.replace('_', ' ') + ")";
        }
        return "| " + String.join(" | ", label, target, PrintfFormat.figure(measured.median()),
            PrintfFormat.figure(measured.min()), PrintfFormat.figure(measured.max()), Integer.toString(measured.runs()),
            floorCell, ratio(results, measured, floor)) + " |";
    }

    private String ratio(ResultsFile results, FigureSummary figure, FigureSummary floor) {
        boolean sameRuns = stage.equals(floorStage);
        if (sameRuns && (comparison == Comparison.RATE || comparison == Comparison.TIME)) {
            return perRunRatio(results);
        }
        if (!figure.measured() || !floor.measured()) {
            return "-";
        }
        double a = figure.median();
        double b = floor.median();
        return switch (comparison) {
            case RATE -> PrintfFormat.fixed(b != 0 ? 100 * a / b : 0, 0) + " %";
            case TIME -> PrintfFormat.fixed(a != 0 ? 100 * b / a : 0, 0) + " %";
            case TIMES -> PrintfFormat.fixed(b != 0 ? a / b : 0, 1) + "x";
            case NONE -> "-";
        };
    }

    // A figure measured with its floor in the same runs: the median of the per-run ratios, so that the machine's
    // drift between runs cancels out instead of landing on one side of the ratio.
    private String perRunRatio(ResultsFile results) {
        Map<String, Double> values = results.byRun(stage, figure);
        Map<String, Double> floors = results.byRun(floorStage, floorFigure);
        DoubleStream.Builder ratios = DoubleStream.builder();
        values.forEach((run, v) -> {
            Double w = floors.get(run);
            if (w != null && v > 0 && w > 0) {
                ratios.add(FigureSummary.asAwkPrinted(comparison == Comparison.RATE ? 100 * v / w : 100 * w / v));
            }
        });
        double[] sorted = ratios.build().sorted().toArray();
        return sorted.length > 0 ? PrintfFormat.fixed(FigureSummary.middle(sorted), 0) + " %" : "-";
    }
}
