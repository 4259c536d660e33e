package dev.rain.settlement;

import dev.rain.common.ledger.Database;
import dev.rain.settlement.config.ConsumerConfig;
import dev.rain.settlement.health.HealthServer;
import dev.rain.settlement.health.PrometheusText;
import dev.rain.settlement.health.Readiness;
import dev.rain.settlement.kafka.SettlementLoop;
import dev.rain.settlement.ledger.LedgerWriter;
import dev.rain.settlement.ledger.SettlementLedger;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settlement consumer assembled: the migrated ledger, the poll loop and the health endpoint. {@code main}
 * runs one; tests of other modules can run one in their own JVM.
 */
public final class SettlementService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementService.class);

    private final Database database;
    private final SettlementLoop loop;
    private final HealthServer health;

    private SettlementService(Database database, SettlementLoop loop, HealthServer health) {
        this.database = database;
        this.loop = loop;
        this.health = health;
    }

    public static SettlementService start(ConsumerConfig config) {
        LOG.info("starting with {}", config);
        Database database = Database.connect(config.postgres(), "rain-settlement");
        SettlementLoop loop = null;
        try {
            loop = new SettlementLoop(config, LedgerWriter.of(database, new SettlementLedger()));
            SettlementLoop started = loop.start();
            HealthServer health = HealthServer.start(config.healthPort(), started::isRunning,
                new Readiness(database.dataSource(), started.metrics(), Clock.systemUTC()),
                () -> PrometheusText.render(started.metrics(), started.isRunning()));
            LOG.info("health and metrics on port {}", health.port());
            return new SettlementService(database, started, health);
        } catch (RuntimeException e) {
            if (loop != null) {
                loop.close();
            }
            database.close();
            throw e;
        }
    }

    public SettlementLoop loop() {
        return loop;
    }

    public int healthPort() {
        return health.port();
    }

    /** The loop first (it commits what it settled), then the endpoint, then the pool the loop was using. */
    @Override
    public void close() {
        loop.close();
        health.close();
        database.close();
        LOG.info("settlement consumer closed");
    }
}
