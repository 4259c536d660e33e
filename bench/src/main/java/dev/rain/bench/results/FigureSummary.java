package dev.rain.bench.results;

import java.util.Arrays;

/** The median, least and most of a figure's runs, and how many runs measured it. */
public record FigureSummary(double median, double min, double max, int runs) {

    public static final FigureSummary NONE = new FigureSummary(Double.NaN, Double.NaN, Double.NaN, 0);

    public static FigureSummary of(double[] values) {
        if (values.length == 0) {
            return NONE;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? middle(sorted) : asAwkPrinted(middle(sorted));
        return new FigureSummary(median, sorted[0], sorted[sorted.length - 1], sorted.length);
    }

    /** The middle value of sorted values, or the mean of the middle two: an even number of runs has no middle one. */
    static double middle(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * A computed value as awk's {@code print} wrote it (whole numbers whole, others to six significant digits, its
     * OFMT) before the table formatted it: tables re-rendered from earlier runs' results.tsv read as they did.
     */
    static double asAwkPrinted(double x) {
        return x == Math.rint(x) ? x : Double.parseDouble(PrintfFormat.general(x, 6));
    }

    public boolean measured() {
        return runs > 0;
    }
}
