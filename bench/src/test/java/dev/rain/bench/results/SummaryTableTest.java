package dev.rain.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rain.bench.results.ResultsFile.Sample;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SummaryTableTest {

    @Test
    @DisplayName("figures print as C's printf did: whole from 100 up, three significant digits below, ties to even")
    void figuresPrintAsCPrintfDid() {
        assertEquals("0.5", PrintfFormat.figure(0.5));
        assertEquals("12", PrintfFormat.figure(12.0));
        assertEquals("0.000123", PrintfFormat.figure(0.00012345));
        assertEquals("1.23e-05", PrintfFormat.figure(0.0000123));
        assertEquals("100", PrintfFormat.figure(100.5));
        assertEquals("2", PrintfFormat.fixed(2.5, 0));
        assertEquals("-", PrintfFormat.figure(Double.NaN));
    }

    @Test
    @DisplayName("an even number of runs has the mean of the middle two as its median, as awk printed it")
    void evenRunsTakeTheMeanOfTheMiddleTwo() {
        FigureSummary summary = FigureSummary.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, summary.median());
        assertEquals(1, summary.min());
        assertEquals(4, summary.max());
        assertEquals(1234570, FigureSummary.of(new double[] {1234567, 1234568}).median());
    }

    @Test
    @DisplayName("a rate measured with its floor in the same runs is the median of the per-run ratios")
    void aRateWithItsFloorIsTheMedianOfPerRunRatios() {
        ResultsFile results = new ResultsFile(List.of(
            new Sample("grab", "won_rps", "1", "50"), new Sample("grab", "health_rps", "1", "100"),
            new Sample("grab", "won_rps", "2", "90"), new Sample("grab", "health_rps", "2", "100"),
            new Sample("grab", "won_rps", "3", "80"), new Sample("grab", "health_rps", "3", "100")));
        String row = TableRow.against("grab WON vs /health/live", ">= 70 %", "grab", "won_rps", "health_rps",
            TableRow.Comparison.RATE).render(results);
        assertEquals("| grab WON vs /health/live | >= 70 % | 80 | 50 | 90 | 3 | 100 (health rps) | 80 % |", row);
    }

    @Test
    @DisplayName("a figure no run measured prints dashes and zero runs")
    void anUnmeasuredFigurePrintsDashes() {
        String row = TableRow.plain("Redis LPOP, calls/s (floor)", "-", "grab", "floor_lpop_rps")
            .render(new ResultsFile(List.of(new Sample("grab", "floor_lpop_rps", "1", ""))));
        assertEquals("| Redis LPOP, calls/s (floor) | - | - | - | - | 0 | - | - |", row);
    }

    @Test
    @DisplayName("the audit rows appear only when the audit recorded its figures")
    void auditRowsOnlyWhenAudited() {
        ResultsFile none = new ResultsFile(List.of());
        ResultsFile audited = new ResultsFile(List.of(new Sample("audit", "rains_audited", "1", "3")));
        int without = SummaryTable.lines(none, Set.of("prepare"), "10000").size();
        assertEquals(without + 6, SummaryTable.lines(audited, Set.of("prepare"), "10000").size());
    }

    @Test
    @DisplayName("publishing replaces only the lines between the markers")
    void publishingReplacesOnlyTheBlock() {
        List<String> document = List.of("prose", ResultsBlock.START, "old row", ResultsBlock.END, "more prose");
        assertEquals(List.of("prose", ResultsBlock.START, "new row", ResultsBlock.END, "more prose"),
            ResultsBlock.replace(document, List.of("new row")));
    }
}
