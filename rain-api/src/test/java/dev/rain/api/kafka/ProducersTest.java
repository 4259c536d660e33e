package dev.rain.api.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.common.config.KafkaSecurity;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProducersTest {

    static final KafkaSecurity SCRAM = new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rain-api\" password=\"pw\";", null);

    @Test
    @DisplayName("the settlement producer carries the configured SASL settings into kafka-clients, which accepts them")
    void settlementProducerAuthenticates() {
        Properties props = Producers.settlementProperties("127.0.0.1:9", SCRAM, "t");
        assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
        assertEquals(SCRAM.jaasConfig(), props.get("sasl.jaas.config"));
        // Building the client loads the SASL login module from the JAAS line; no broker is contacted yet.
        try (KafkaProducer<String, byte[]> producer = Producers.settlement("127.0.0.1:9", SCRAM, "t")) {
            assertEquals(false, producer.metrics().isEmpty());
        }
    }

    @Test
    @DisplayName("a JAAS line kafka-clients cannot parse fails when the producer is built, at start-up")
    void brokenJaasFailsAtStart() {
        KafkaSecurity broken = new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", "not a jaas line", null);
        assertThrows(KafkaException.class, () -> Producers.settlement("127.0.0.1:9", broken, "t").close());
    }
}
