package dev.rain.settlement.metrics;

import dev.rain.settlement.loop.SettlementMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's meters in one Micrometer registry, scraped as Prometheus text: the loops' counters under the
 * names the hand-written exposition had (dashboards and alerts keep working), the JVM's as the API reports them,
 * and the Kafka clients' own. Every meter reads a value the loops already keep, so a scrape never waits on them.
 */
public final class ConsumerMeters implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerMeters.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeable = new ArrayList<>();
    // Micrometer holds what a meter reads only weakly: these fields keep it reachable for as long as this is.
    private final List<SettlementMetrics> all;
    private final BooleanSupplier running;

    /**
     * @param loops   each loop's counters; the series are their totals, and partitions are also given per loop
     * @param running whether all the loops still run
     * @param clients the Kafka clients' metrics, bound here and closed with this
     */
    public ConsumerMeters(List<SettlementMetrics> loops, BooleanSupplier running, List<MeterBinder> clients) {
        this.all = List.copyOf(loops);
        this.running = running;
        counter("rain.settlement.applied", "Grabs credited and refunds applied, once each.",
            SettlementMetrics::applied);
        counter("rain.settlement.duplicates", "Messages found already applied.", SettlementMetrics::duplicates);
        counter("rain.settlement.anomalies", "Claims refused and recorded as anomalies.",
            SettlementMetrics::anomalies);
        counter("rain.settlement.dead.lettered", "Records sent to the dead-letter topic.",
            SettlementMetrics::deadLettered);
        counter("rain.settlement.batches", "Batches committed to the ledger.", SettlementMetrics::batches);
        counter("rain.settlement.transient.failures", "Batches retried after a transient failure.",
            SettlementMetrics::transientFailures);
        Gauge.builder("rain.settlement.lag", all, l -> SettlementMetrics.total(l).lag())
            .description("Records behind the end of the assigned partitions at the last poll.").register(registry);
        Gauge.builder("rain.settlement.assigned.partitions", all, l -> SettlementMetrics.total(l).assignedPartitions())
            .description("Partitions assigned to this consumer.").register(registry);
        Gauge.builder("rain.settlement.last.poll.timestamp", all, l -> SettlementMetrics.total(l).lastPollMillis()
                / 1000.0).baseUnit("seconds")
            .description("Time of the last successful poll of the loop that polled least recently.")
            .register(registry);
        Gauge.builder("rain.settlement.loops", all, List::size)
            .description("Poll loops in this consumer (RAIN_SETTLEMENT_LOOPS).").register(registry);
        for (int i = 0; i < all.size(); i++) {
            Gauge.builder("rain.settlement.loop.assigned.partitions", all.get(i),
                    SettlementMetrics::assignedPartitions).tag("loop", Integer.toString(i))
                .description("Partitions assigned to each poll loop.").register(registry);
        }
        Gauge.builder("rain.settlement.loop.running", running, r -> r.getAsBoolean() ? 1 : 0)
            .description("1 while every poll loop runs.").register(registry);
        bindJvm();
        clients.forEach(this::bind);
    }

    /** The loops' sum as a counter: each loop's count only grows, so their sum does too. */
    private void counter(String name, String help, ToLongFunction<SettlementMetrics> count) {
        FunctionCounter.builder(name, all, loops -> loops.stream().mapToLong(count).sum())
            .description(help).register(registry);
    }

    /** The same JVM meters as the API's (Vert.x binds these five), so one dashboard panel serves both. */
    private void bindJvm() {
        bind(new ClassLoaderMetrics());
        bind(new JvmMemoryMetrics());
        bind(new JvmGcMetrics());
        bind(new ProcessorMetrics());
        bind(new JvmThreadMetrics());
        bind(new UptimeMetrics());
    }

    private void bind(MeterBinder binder) {
        binder.bindTo(registry);
        if (binder instanceof AutoCloseable resource) {
            closeable.add(resource);
        }
    }

    /** The Prometheus text exposition (format 0.0.4) of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (AutoCloseable resource : closeable) {
            try {
                resource.close();
            } catch (Exception e) {
                // One binder that fails to let go of its thread must not keep the others open.
                LOG.warn("closing a meter binder failed: {}", e.toString());
            }
        }
        registry.close();
    }
}
