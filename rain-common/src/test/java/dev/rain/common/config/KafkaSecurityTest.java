package dev.rain.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"rain-api\" password=\"s3cret\";";

    @Test
    @DisplayName("with no variable set the clients speak PLAINTEXT and get no SASL or TLS property")
    void plaintextByDefault() {
        KafkaSecurity security = KafkaSecurity.fromEnv(Env.failingFast(Map.of()));
        assertEquals(KafkaSecurity.PLAINTEXT, security);
        assertEquals(Map.of("security.protocol", "PLAINTEXT"), security.clientProperties());
    }

    @Test
    @DisplayName("SCRAM over TLS becomes the protocol, mechanism, JAAS line and a PEM trust store for kafka-clients")
    void scramOverTls() {
        KafkaSecurity security = KafkaSecurity.fromEnv(Env.failingFast(Map.of(
            "RAIN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
            "RAIN_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
            "RAIN_KAFKA_SASL_JAAS_CONFIG", JAAS,
            "RAIN_KAFKA_SSL_CA_FILE", "/etc/rain/kafka-ca/ca.crt")));
        assertEquals(Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", JAAS,
            "ssl.truststore.type", "PEM",
            "ssl.truststore.location", "/etc/rain/kafka-ca/ca.crt"), security.clientProperties());
    }

    @Test
    @DisplayName("a SASL protocol without a mechanism and a JAAS line is refused, naming both variables")
    void saslNeedsItsCredentials() {
        Env env = Env.collecting(Map.of("RAIN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        KafkaSecurity.fromEnv(env);
        ConfigException e = assertThrows(ConfigException.class, () -> env.failIfAnyProblem("test"));
        assertTrue(e.getMessage().contains("RAIN_KAFKA_SASL_MECHANISM"), e.getMessage());
        assertTrue(e.getMessage().contains("RAIN_KAFKA_SASL_JAAS_CONFIG"), e.getMessage());
    }

    @Test
    @DisplayName("credentials set next to a protocol that would not send them are refused, not silently dropped")
    void credentialsWithoutSaslAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSecurity.fromEnv(Env.failingFast(Map.of(
            "RAIN_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "RAIN_KAFKA_SASL_JAAS_CONFIG", JAAS))));
        assertTrue(e.getMessage().contains("PLAINTEXT"), e.getMessage());
    }

    @Test
    @DisplayName("an unknown protocol or mechanism is refused")
    void unknownNamesAreRefused() {
        assertThrows(ConfigException.class, () -> KafkaSecurity.fromEnv(Env.failingFast(Map.of(
            "RAIN_KAFKA_SECURITY_PROTOCOL", "TLS"))));
        assertThrows(ConfigException.class, () -> KafkaSecurity.fromEnv(Env.failingFast(Map.of(
            "RAIN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "RAIN_KAFKA_SASL_MECHANISM", "GSSAPI",
            "RAIN_KAFKA_SASL_JAAS_CONFIG", JAAS))));
    }

    @Test
    @DisplayName("the JAAS line, which holds the password, is not in toString")
    void passwordStaysOutOfLogs() {
        KafkaSecurity security = new KafkaSecurity("SASL_SSL", "SCRAM-SHA-512", JAAS, null);
        assertFalse(security.toString().contains("s3cret"), security.toString());
    }
}
