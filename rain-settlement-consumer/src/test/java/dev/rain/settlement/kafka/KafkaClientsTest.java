package dev.rain.settlement.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rain.common.config.KafkaSecurity;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    static final KafkaSecurity SCRAM = new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rain-settlement\" password=\"pw\";",
        null);

    @Test
    @DisplayName("the poll loop's consumer and its dead-letter producer both carry the configured SASL settings")
    void bothClientsAuthenticate() {
        for (Properties props : new Properties[] {
            KafkaClients.consumerProperties("127.0.0.1:9", SCRAM, "g", "c", 10),
            KafkaClients.deadLetterProperties("127.0.0.1:9", SCRAM, "c-dlq")}) {
            assertEquals("SASL_PLAINTEXT", props.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", props.get("sasl.mechanism"));
            assertEquals(SCRAM.jaasConfig(), props.get("sasl.jaas.config"));
        }
    }

    @Test
    @DisplayName("kafka-clients builds both clients with those settings (the JAAS line loads; no broker is contacted)")
    void kafkaClientsAcceptTheSettings() {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer("127.0.0.1:9", SCRAM, "g", "c", 10);
             KafkaProducer<String, byte[]> producer = KafkaClients.deadLetterProducer("127.0.0.1:9", SCRAM, "c-dlq")) {
            assertEquals(false, consumer.metrics().isEmpty());
            assertEquals(false, producer.metrics().isEmpty());
        }
    }
}
