package dev.rain.common.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A single-node KRaft broker in a container. The broker must advertise the address the tests reach it
 * on, so it listens on a host port chosen before start and bound one-to-one.
 */
final class KafkaContainerOnFixedPort extends GenericContainer<KafkaContainerOnFixedPort> {

    private final int port;

    KafkaContainerOnFixedPort() {
        super("apache/kafka:4.0.0");
        this.port = freePort();
        setPortBindings(List.of(port + ":" + port));
        withEnv("KAFKA_NODE_ID", "1");
        withEnv("KAFKA_PROCESS_ROLES", "broker,controller");
        withEnv("KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:" + port + ",CONTROLLER://0.0.0.0:9093");
        withEnv("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:" + port);
        withEnv("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
        withEnv("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093");
        withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
        withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        withEnv("KAFKA_NUM_PARTITIONS", "4");
        waitingFor(Wait.forLogMessage(".*Kafka Server started.*", 1));
    }

    String bootstrap() {
        return "localhost:" + port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
