package dev.rain.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.testing.Await;
import dev.rain.settlement.testing.KafkaFixture;
import dev.rain.settlement.testing.LedgerFixture;
import dev.rain.settlement.testing.LedgerFixture.Rain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The assembled consumer: migrates its database, settles the topic, reports on its health endpoint. */
class SettlementServiceIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
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
                String metrics = get(port, "/metrics").body();
                assertTrue(metrics.contains("# TYPE rain_settlement_applied_total counter\n"
                    + "rain_settlement_applied_total 1\n"), metrics);
                // Lag and dead letters are what an operator alerts on: present, and zero here.
                assertTrue(metrics.contains("\nrain_settlement_lag 0\n"), metrics);
                assertTrue(metrics.contains("\nrain_settlement_dead_lettered_total 0\n"), metrics);
            }
        }
    }
}
