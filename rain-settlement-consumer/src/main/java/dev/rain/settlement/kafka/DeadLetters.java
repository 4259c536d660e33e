package dev.rain.settlement.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The dead-letter topic: a record that can never be settled is copied there as it was (key, value, headers), with
 * where it came from and why it failed, before its offset is committed past.
 */
public final class DeadLetters implements AutoCloseable {

    public static final String ORIGINAL_TOPIC = "rain-dlq-original-topic";
    public static final String ORIGINAL_PARTITION = "rain-dlq-original-partition";
    public static final String ORIGINAL_OFFSET = "rain-dlq-original-offset";
    public static final String ERROR_CLASS = "rain-dlq-error-class";
    public static final String ERROR_MESSAGE = "rain-dlq-error-message";

    private static final int MAX_MESSAGE_CHARS = 2_000;
    /** A little over the producer's delivery timeout, which bounds the wait in the normal case. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final Producer<String, byte[]> producer;
    private final String topic;

    public DeadLetters(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** The producer's own metrics: its send errors and latency show why dead letters stall. */
    public MeterBinder clientMetrics() {
        return new KafkaClientMetrics(producer);
    }

    /** Returns once the broker acknowledged the dead letter; throws (a KafkaException) if it did not. */
    public void send(ConsumerRecord<String, byte[]> record, Throwable error) {
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(ORIGINAL_TOPIC, utf8(record.topic()));
        headers.add(ORIGINAL_PARTITION, utf8(Integer.toString(record.partition())));
        headers.add(ORIGINAL_OFFSET, utf8(Long.toString(record.offset())));
        headers.add(ERROR_CLASS, utf8(error.getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(truncate(String.valueOf(error.getMessage()))));
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(topic, null, record.key(), record.value(), headers);
        try {
            producer.send(letter).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException kafka ? kafka
                : new KafkaException("dead letter to " + topic + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("no acknowledgement of the dead letter to "
                + topic + " within " + ACK_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(3));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
