package dev.rain.settlement.health;

import dev.rain.settlement.loop.SettlementMetrics;
import java.util.List;

/** The loops' counters, summed over the process's loops, in the Prometheus text format. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * @param loops   each of the process's loops' counters; the series are their totals, and partitions are also
     *                given per loop
     * @param running whether all of them still run
     */
    public static String render(List<SettlementMetrics> loops, boolean running) {
        SettlementMetrics m = SettlementMetrics.total(loops);
        StringBuilder out = new StringBuilder(1024);
        counter(out, "rain_settlement_applied_total", "Grabs credited and refunds applied, once each.", m.applied());
        counter(out, "rain_settlement_duplicates_total", "Messages found already applied.", m.duplicates());
        counter(out, "rain_settlement_anomalies_total", "Claims refused and recorded as anomalies.", m.anomalies());
        counter(out, "rain_settlement_dead_lettered_total", "Records sent to the dead-letter topic.",
            m.deadLettered());
        counter(out, "rain_settlement_batches_total", "Batches committed to the ledger.", m.batches());
        counter(out, "rain_settlement_transient_failures_total", "Batches retried after a transient failure.",
            m.transientFailures());
        gauge(out, "rain_settlement_lag", "Records behind the end of the assigned partitions at the last poll.",
            m.lag());
        gauge(out, "rain_settlement_assigned_partitions", "Partitions assigned to this consumer.",
            m.assignedPartitions());
        gauge(out, "rain_settlement_last_poll_timestamp_seconds",
            "Time of the last successful poll of the loop that polled least recently.", m.lastPollMillis() / 1000.0);
        gauge(out, "rain_settlement_loops", "Poll loops in this consumer (RAIN_SETTLEMENT_LOOPS).", loops.size());
        header(out, "rain_settlement_loop_assigned_partitions", "Partitions assigned to each poll loop.", "gauge");
        for (int i = 0; i < loops.size(); i++) {
            out.append("rain_settlement_loop_assigned_partitions{loop=\"").append(i).append("\"} ")
                .append(loops.get(i).assignedPartitions()).append('\n');
        }
        gauge(out, "rain_settlement_loop_running", "1 while every poll loop runs.", running ? 1 : 0);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ');
        if (value == Math.rint(value)) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
