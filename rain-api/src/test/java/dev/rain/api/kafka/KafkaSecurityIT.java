package dev.rain.api.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rain.common.config.KafkaSecurity;
import dev.rain.common.testing.RealServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The security settings reach the wire: against the test broker, which speaks PLAINTEXT only, the settlement
 * producer gets metadata as PLAINTEXT and gets none once it is told to log in with SCRAM first.
 */
class KafkaSecurityIT {

    private static final String TOPIC = "__consumer_offsets";

    @Test
    @DisplayName("a producer told to log in with SCRAM cannot talk to a broker without SASL, and one told PLAINTEXT can")
    void settingsReachTheConnection() {
        String bootstrap = RealServices.get().kafkaBootstrap();
        try (KafkaProducer<String, byte[]> plain = Producers.settlement(bootstrap, KafkaSecurity.PLAINTEXT, "sec-plain")) {
            assertFalse(plain.partitionsFor(TOPIC).isEmpty());
        }
        try (KafkaProducer<String, byte[]> scram = Producers.settlement(bootstrap, ProducersTest.SCRAM, "sec-scram")) {
            // No SASL handshake is answered, so metadata never arrives within the producer's max.block.ms.
            assertThrows(KafkaException.class, () -> scram.partitionsFor(TOPIC));
        }
    }
}
