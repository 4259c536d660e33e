package dev.rain.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.testing.OpsQueries;
import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.loop.SettlementMetrics;
import dev.rain.common.ledger.settle.Claim;
import dev.rain.settlement.testing.Await;
import dev.rain.settlement.testing.KafkaFixture;
import dev.rain.settlement.testing.LedgerFixture;
import dev.rain.settlement.testing.LedgerFixture.Rain;
import dev.rain.settlement.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The assembled consumer: migrates its database, settles the topic, reports on its health endpoint. */
class SettlementServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What the consumer exported before it used Micrometer, by name: ops/grafana and ops/prometheus read these. */
    private static final List<String> DASHBOARD_SERIES = List.of("rain_settlement_applied_total",
        "rain_settlement_duplicates_total", "rain_settlement_anomalies_total", "rain_settlement_dead_lettered_total",
        "rain_settlement_batches_total", "rain_settlement_transient_failures_total", "rain_settlement_lag",
        "rain_settlement_assigned_partitions", "rain_settlement_last_poll_timestamp_seconds", "rain_settlement_loops",
        "rain_settlement_loop_assigned_partitions{loop=\"0\"}", "rain_settlement_loop_running");
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("a started consumer is live and ready, settles what is published, and counts it in its metrics")
    void startedServiceSettlesAndReports() throws Exception {
        try (LedgerFixture ledger = LedgerFixture.create("settlement_service");
             KafkaFixture kafka = new KafkaFixture()) {
            String topic = kafka.newTopics("service");
            Rain rain = ledger.runningRain(10_000, 10, 1);
            kafka.publish(topic, rain.grab(0, "svc-viewer", 42, 1));
            ConsumerConfig config = kafka.config(topic, ledger, 100);

            try (SettlementService service = SettlementService.start(config)) {
                int port = service.healthPort();
                Await.until(WAIT, "credited", () -> ledger.wallet("svc-viewer"), 42L);
                assertEquals(200, get(port, "/health/live").statusCode());
                Await.until(WAIT, "readiness", () -> get(port, "/health/ready").statusCode(), 200);
                Scrape metrics = new Scrape(get(port, "/metrics").body());
                assertEquals(OptionalDouble.of(1), metrics.value("rain_settlement_applied_total"), metrics::toString);
                // Lag and dead letters are what an operator alerts on: present, and zero here.
                assertEquals(OptionalDouble.of(0), metrics.value("rain_settlement_lag"), metrics::toString);
                assertEquals(OptionalDouble.of(0), metrics.value("rain_settlement_dead_lettered_total"),
                    metrics::toString);
            }
        }
    }

    @Test
    @DisplayName("the metrics keep every series the dashboards read and add the JVM's and the Kafka clients' own")
    void metricsNamesForDashboards() throws Exception {
        try (LedgerFixture ledger = LedgerFixture.create("settlement_metrics");
             KafkaFixture kafka = new KafkaFixture()) {
            String topic = kafka.newTopics("metrics");
            try (SettlementService service = SettlementService.start(kafka.config(topic, ledger, 100))) {
                Await.until(WAIT, "partitions assigned", () -> service.metrics().assignedPartitions() > 0, true);
                // The GC pause timer exists only once a collection was seen: this JVM may not have had one yet.
                System.gc();
                Await.until(WAIT, "a GC pause recorded", () -> new Scrape(get(service.healthPort(), "/metrics").body())
                    .hasSeriesStartingWith("jvm_gc_pause_seconds"), true);
                Scrape metrics = new Scrape(get(service.healthPort(), "/metrics").body());
                for (String series : DASHBOARD_SERIES) {
                    assertTrue(metrics.value(series).isPresent(), series + " in\n" + metrics);
                }
                for (String family : List.of("jvm_memory_used_bytes", "jvm_gc_", "process_cpu_usage",
                    "kafka_consumer_fetch_manager_", "kafka_producer_")) {
                    assertTrue(metrics.hasSeriesStartingWith(family), family + " in\n" + metrics);
                }
                for (String queried : OpsQueries.seriesStartingWith("rain_settlement_", "kafka_", "jvm_")) {
                    assertTrue(metrics.hasSeriesStartingWith(queried), queried + " is queried in ops/ but not in\n"
                        + metrics);
                }
            }
        }
    }

    @Test
    @DisplayName("two loops of one consumer share the partitions and settle one hot rain between them, each packet once")
    void loopsShareTheTopic() throws Exception {
        try (LedgerFixture ledger = LedgerFixture.create("settlement_loops");
             KafkaFixture kafka = new KafkaFixture()) {
            String topic = kafka.newTopics("loops");
            int packets = 2_000;
            Rain rain = ledger.runningRain(packets * 10L, packets, 1);
            List<Claim> grabs = IntStream.range(0, packets)
                .mapToObj(i -> rain.grab(i, "loop-viewer-" + i, 10, 1)).toList();
            ConsumerConfig config = kafka.config(topic, ledger, 50).withLoops(2);

            SettlementService service = SettlementService.start(config);
            try {
                Await.until(WAIT, "each loop's share of the " + KafkaFixture.PARTITIONS + " partitions",
                    () -> service.metricsByLoop().stream().map(SettlementMetrics::assignedPartitions).toList(),
                    List.of(2, 2));
                kafka.publishAll(topic, grabs);
                // The relay's resend after a lost acknowledgement: the same claims again.
                kafka.publishAll(topic, grabs.subList(0, 100));
                Await.until(WAIT, "every claim gone through", () -> {
                    SettlementMetrics total = service.metrics();
                    return total.applied() + total.duplicates();
                }, packets + 100L);

                for (SettlementMetrics loop : service.metricsByLoop()) {
                    assertTrue(loop.applied() > 0, "each loop settled some of the rain");
                }
                assertEquals(packets, service.metrics().applied());
                assertEquals(packets, ledger.grabTransfers(rain), "one journal row per packet");
                LedgerFixture.RainRow row = ledger.rainRow(rain);
                assertEquals(packets, row.settledCount());
                assertEquals(packets * 10L, row.settledAmount());
                assertEquals(0, ledger.escrow(rain), "the escrow paid out exactly what it held");
                assertEquals(List.of(), ledger.books().problems(), "money moved, never made");
                Scrape metrics = new Scrape(get(service.healthPort(), "/metrics").body());
                assertEquals(OptionalDouble.of(2), metrics.value("rain_settlement_loops"), metrics::toString);
                assertEquals(OptionalDouble.of(4), metrics.value("rain_settlement_assigned_partitions"),
                    metrics::toString);
                assertEquals(OptionalDouble.of(1), metrics.value("rain_settlement_loop_running"), metrics::toString);
                assertFalse(service.awaitAnyStop(Duration.ofMillis(200)), "no loop stops by itself");
            } finally {
                service.close();
            }
            assertTrue(service.awaitAnyStop(Duration.ofSeconds(1)), "closed, the loops have stopped");
            assertEquals(packets + 100L, kafka.committedTotal(config.group()),
                "each loop committed what it settled before it closed");
        }
    }
}
