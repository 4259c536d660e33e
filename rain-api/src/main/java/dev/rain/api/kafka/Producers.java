package dev.rain.api.kafka;

import dev.rain.common.config.KafkaSecurity;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The settlement producer's configuration. */
public final class Producers {

    private Producers() {
    }

    public static KafkaProducer<String, byte[]> settlement(String bootstrap, KafkaSecurity security, String clientId) {
        return new KafkaProducer<>(settlementProperties(bootstrap, security, clientId));
    }

    static Properties settlementProperties(String bootstrap, KafkaSecurity security, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putAll(security.clientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // A claim is acknowledged (deleted from the outbox) only once every in-sync replica has it.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries inside the producer must not duplicate or reorder what the broker already has.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // Batching in time: the broker's cost is per request more than per claim, and each request also becomes a
        // fetch, an offset commit and a ledger transaction downstream; 20 ms is 2 % of the 1 s grab-to-credited budget.
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        // While the broker is away, send() blocks the relay thread (never an event loop) at most this long.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        // Give up on a claim after this; it is still in its outbox stream and the sweeper sends it again.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
