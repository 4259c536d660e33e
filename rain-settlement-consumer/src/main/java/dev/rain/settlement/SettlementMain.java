package dev.rain.settlement;

import dev.rain.common.config.ConfigException;
import dev.rain.settlement.config.ConsumerConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the settlement consumer from the environment and runs it until SIGTERM or a fatal failure. */
public final class SettlementMain {

    private static final Logger LOG = LoggerFactory.getLogger(SettlementMain.class);

    private SettlementMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConsumerConfig config;
        try {
            config = ConsumerConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            LOG.error(e.getMessage());
            System.exit(2);
            return;
        }
        SettlementService service;
        try {
            service = SettlementService.start(config);
        } catch (RuntimeException e) {
            LOG.error("could not start the settlement consumer", e);
            System.exit(1);
            return;
        }
        AtomicBoolean shuttingDown = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.set(true);
            LOG.info("shutdown requested");
            service.close();
        }, "rain-settlement-shutdown"));
        while (!service.awaitAnyStop(Duration.ofSeconds(1))) {
            // The loop threads own the work; main only notices when one ends.
        }
        if (!shuttingDown.get()) {
            // A loop that stopped by itself leaves its partitions unsettled: exit, so the supervisor restarts us
            // (the shutdown hook closes the other loops, which commit what they settled).
            LOG.error("a settlement loop ended without a shutdown request; exiting");
            System.exit(1);
        }
    }
}
