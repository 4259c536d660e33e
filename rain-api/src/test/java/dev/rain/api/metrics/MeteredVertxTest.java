package dev.rain.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MeteredVertxTest {

    @Test
    @DisplayName("the route label names the endpoint, not the /v1 handlers the request passed on its way")
    void routeLabelIsTheEndpoint() {
        assertEquals("/v1/rains/:code/grab", MeteredVertx.endpoint("/v1/>/v1/>/v1/>/v1/rains/:code/grab>/v1/"));
        assertEquals("/health/live", MeteredVertx.endpoint("/health/live"));
        assertEquals("/v1/", MeteredVertx.endpoint("/v1/>/v1/>/v1/"));
    }
}
