package dev.rain.settlement.health;

import dev.rain.settlement.kafka.SettlementMetrics;

/** The loop's counters in the Prometheus text format. */
public final class PrometheusText {

    private PrometheusText() {
    }

    public static String render(SettlementMetrics m, boolean running) {
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
        gauge(out, "rain_settlement_last_poll_timestamp_seconds", "Time of the last successful poll.",
            m.lastPollMillis() / 1000.0);
        gauge(out, "rain_settlement_loop_running", "1 while the poll loop runs.", running ? 1 : 0);
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
