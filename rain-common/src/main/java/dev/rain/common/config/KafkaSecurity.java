package dev.rain.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a service authenticates to Kafka and checks the brokers' certificate: the same four variables for the
 * API and the consumer, handed to every producer and consumer they build. Unset means PLAINTEXT, the local
 * and docker-compose setup; on Kubernetes the listener demands SCRAM-SHA-512 over TLS and Strimzi's KafkaUser
 * Secret holds the JAAS line.
 *
 * @param protocol   {@code security.protocol}: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
 * @param mechanism  {@code sasl.mechanism} when the protocol is SASL_*, else null
 * @param jaasConfig {@code sasl.jaas.config} when the protocol is SASL_*, else null; it carries the password
 * @param caFile     a PEM file of the CA that signed the brokers' certificates, else null (the JVM's trust store)
 */
public record KafkaSecurity(String protocol, String mechanism, String jaasConfig, String caFile) {

    public static final KafkaSecurity PLAINTEXT = new KafkaSecurity("PLAINTEXT", null, null, null);

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    /** Reads the variables; a SASL protocol without its mechanism or JAAS line is a problem, not a silent PLAINTEXT. */
    public static KafkaSecurity fromEnv(Env env) {
        String protocol = env.string("RAIN_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
        if (!PROTOCOLS.contains(protocol)) {
            env.problem("RAIN_KAFKA_SECURITY_PROTOCOL must be one of " + PROTOCOLS + ", was '" + protocol + "'");
        }
        boolean sasl = protocol.startsWith("SASL_");
        String mechanism = env.string("RAIN_KAFKA_SASL_MECHANISM", null);
        String jaas = env.string("RAIN_KAFKA_SASL_JAAS_CONFIG", null);
        if (sasl && (mechanism == null || !MECHANISMS.contains(mechanism))) {
            env.problem("RAIN_KAFKA_SASL_MECHANISM must be one of " + MECHANISMS + " with " + protocol + ", was '"
                + mechanism + "'");
        }
        if (sasl && jaas == null) {
            env.problem("RAIN_KAFKA_SASL_JAAS_CONFIG is required with " + protocol);
        }
        if (!sasl && (mechanism != null || jaas != null)) {
            // Credentials the client would never send: the deployment meant SASL and is about to run without it.
            env.problem("RAIN_KAFKA_SASL_* is set but RAIN_KAFKA_SECURITY_PROTOCOL is " + protocol);
        }
        String caFile = env.string("RAIN_KAFKA_SSL_CA_FILE", null);
        if (caFile != null && !protocol.endsWith("SSL")) {
            env.problem("RAIN_KAFKA_SSL_CA_FILE is set but RAIN_KAFKA_SECURITY_PROTOCOL is " + protocol);
        }
        return new KafkaSecurity(protocol, sasl ? mechanism : null, sasl ? jaas : null, caFile);
    }

    /** The kafka-clients properties (the names of CommonClientConfigs, SaslConfigs and SslConfigs). */
    public Map<String, String> clientProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", protocol);
        if (mechanism != null) {
            props.put("sasl.mechanism", mechanism);
            props.put("sasl.jaas.config", jaasConfig);
        }
        if (caFile != null) {
            props.put("ssl.truststore.type", "PEM");
            props.put("ssl.truststore.location", caFile);
        }
        return props;
    }

    @Override
    public String toString() {
        // The JAAS line holds the password: it stays out of logs.
        return "KafkaSecurity[" + protocol + (mechanism == null ? "" : " " + mechanism)
            + (caFile == null ? "" : ", CA " + caFile) + "]";
    }
}
