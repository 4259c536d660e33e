package dev.rain.api.http;

import dev.rain.api.config.ApiConfig;
import dev.rain.api.group.GroupService;
import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.api.metrics.GrabMeters;
import dev.rain.api.rain.GrabService;
import dev.rain.api.rain.LedgerReads;
import dev.rain.api.rain.RainCache;
import dev.rain.api.rain.RainService;
import dev.rain.api.ratelimit.RequestLimiter;
import dev.rain.api.wallet.WalletService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Every route of the API, mounted on each HTTP verticle's router. */
public final class Routes {

    private final OpsRoutes ops;
    private final WalletRoutes wallets;
    private final RainRoutes rains;
    private final RainListRoutes rainLists;
    private final GrabRoute grab;
    private final ReadRoutes reads;
    private final GroupRoutes groups;
    private final RoomEventsRoute roomEvents;
    private final PagesRoute pages = new PagesRoute();
    /** Null unless the local demo mode is on: production has no way to mint tokens or money. */
    private final DemoRoutes demo;

    public Routes(io.vertx.core.Vertx vertx, ApiConfig config, LedgerExecutor ledger, Redis redis, KafkaProducer<String, byte[]> producer,
                  RainService rainService, GrabService grabService, RainCache cache, RequestLimiter limiter,
                  PrometheusMeterRegistry metrics, Authenticator authenticator,
                  RoomEventsRoute roomEvents) {
        this.ops = new OpsRoutes(() -> readiness(vertx, ledger, redis, producer, config.settlementTopic()), metrics,
            config.demoMode());
        WalletService walletService = new WalletService(ledger);
        RateLimitHandlers limits = new RateLimitHandlers(limiter);
        this.wallets = new WalletRoutes(walletService);
        this.rains = new RainRoutes(rainService, config.limits());
        this.rainLists = new RainListRoutes(rainService);
        this.grab = new GrabRoute(cache, grabService, limits, new GrabMeters(metrics));
        this.reads = new ReadRoutes(new LedgerReads(ledger, rainService));
        this.groups = new GroupRoutes(new GroupService(ledger, config.maxGroupMembers()));
        this.roomEvents = roomEvents;
        this.demo = config.demoMode() ? new DemoRoutes(authenticator, walletService, limits) : null;
    }

    /**
     * Routes before the /v1 body and bearer handlers: operations, the room WebSocket (token in the query),
     * the pages, and in demo mode the demo sign-in.
     */
    public void mountPublic(Router router) {
        ops.mount(router);
        roomEvents.mount(router);
        pages.mount(router);
        if (demo != null) {
            demo.mount(router);
        }
    }

    /** The management port's routes: health and /metrics. */
    public void mountManagement(Router router) {
        ops.mountManagement(router);
    }

    /** The grab route first: Vert.x tries routes in order, a regex each, and taps outnumber every other call. */
    public void mountV1(Router router) {
        grab.mount(router);
        wallets.mount(router);
        rains.mount(router);
        rainLists.mount(router);
        reads.mount(router);
        groups.mount(router);
    }

    /** Ready only when Redis, Postgres and Kafka all answer. */
    private static Future<JsonObject> readiness(io.vertx.core.Vertx vertx, LedgerExecutor ledger, Redis redis, KafkaProducer<String, byte[]> producer,
                                                String topic) {
        Future<String> redisUp = redis.send(Request.cmd(Command.PING)).map(pong -> "UP").otherwise("DOWN");
        Future<String> postgresUp = ledger.transaction(c -> c.isValid(2) ? "UP" : "DOWN").otherwise("DOWN");
        Future<String> kafkaUp = vertx.<String>executeBlocking(() -> {
            producer.partitionsFor(topic);
            return "UP";
        }, false).timeout(6, TimeUnit.SECONDS).otherwise("DOWN");
        return Future.all(redisUp, postgresUp, kafkaUp).map(all -> {
            boolean up = "UP".equals(redisUp.result()) && "UP".equals(postgresUp.result())
                && "UP".equals(kafkaUp.result());
            return new JsonObject().put("status", up ? "UP" : "DOWN").put("redis", redisUp.result())
                .put("postgres", postgresUp.result()).put("kafka", kafkaUp.result());
        });
    }
}
