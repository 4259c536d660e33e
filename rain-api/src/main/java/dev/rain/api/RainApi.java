package dev.rain.api;

import dev.rain.api.config.ApiConfig;
import dev.rain.api.http.Authenticator;
import dev.rain.api.http.HttpVerticle;
import dev.rain.api.http.ManagementVerticle;
import dev.rain.api.http.RoomEventsRoute;
import dev.rain.api.http.Routes;
import dev.rain.api.kafka.OutboxRelay;
import dev.rain.api.kafka.Producers;
import dev.rain.api.ledger.LedgerExecutor;
import dev.rain.api.metrics.MeteredVertx;
import dev.rain.api.metrics.RainGauges;
import dev.rain.api.rain.EmptyShards;
import dev.rain.api.rain.Finisher;
import dev.rain.api.rain.GrabService;
import dev.rain.api.rain.RainCache;
import dev.rain.api.rain.RainService;
import dev.rain.api.ratelimit.RequestLimiter;
import dev.rain.api.redis.RedisClients;
import dev.rain.api.redis.RoomPublisher;
import dev.rain.api.redis.ShardStore;
import dev.rain.api.ws.RoomEntrance;
import dev.rain.api.ws.RoomHub;
import dev.rain.common.ledger.Database;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running API instance: the shared clients and services, and the HTTP verticles on top. Built by
 * {@link RainApiMain} and by the integration tests, which start several in one JVM.
 */
public final class RainApi {

    private static final Logger LOG = LoggerFactory.getLogger(RainApi.class);

    private final Vertx vertx;
    private final ApiConfig config;
    private final Database database;
    private final LedgerExecutor ledger;
    private final Redis redis;
    private final KafkaProducer<String, byte[]> producer;
    private final Finisher finisher;
    private final OutboxRelay relay;
    private final Authenticator authenticator;
    private final Routes routes;
    private final RequestLimiter limiter;
    private final RoomHub roomHub;
    private final RainGauges gauges;
    private final GrabService grabs;
    /** How long a stop waits for grabs already in Redis to hand their claims to the relay. */
    private static final long GRAB_DRAIN_MILLIS = 10_000;
    /** How often the gauges that read Redis and Postgres (backlog, escrows, anomalies) are refreshed. */
    private static final long GAUGE_REFRESH_MILLIS = 5_000;
    /** WebSocket pings this often; a client silent for three periods is closed. */
    private static final long HEARTBEAT_MILLIS = 20_000;
    /** A client with this much unsent is too far behind and is closed rather than buffered for. */
    private static final int WS_WRITE_QUEUE_BYTES = 256 * 1024;
    /** A viewer that stays behind this long is closed. */
    private static final long WS_STALL_MILLIS = 2_000;
    private String deployment;
    private ManagementVerticle management;
    private String managementDeployment;

    private RainApi(Vertx vertx, ApiConfig config, PrometheusMeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.database = Database.connect(config.postgres(), "rain-api-" + config.instanceId());
        this.ledger = new LedgerExecutor(vertx, database, config.postgres().poolSize());
        this.redis = RedisClients.commands(vertx, config);
        this.producer = Producers.settlement(config.kafkaBootstrap(), config.kafkaSecurity(), "rain-api-" + config.instanceId());
        this.authenticator = new Authenticator(vertx, config.jwt());
        RainCache cache = new RainCache(ledger);
        EmptyShards emptyShards = new EmptyShards();
        ShardStore shards = new ShardStore(redis);
        this.finisher = new Finisher(vertx, ledger, shards, new RoomPublisher(redis), producer,
            config.settlementTopic(), config.instanceId(), cache, emptyShards, config.finisherIntervalMillis(),
            config.limits().unstartedExpirySeconds());
        this.relay = new OutboxRelay(vertx, redis, producer, config.settlementTopic(), config.instanceId(),
            config.outboxStaleMillis(), finisher::unfinishedRains);
        RainService rains = new RainService(vertx, ledger, redis, shards, finisher, cache, config.packetsPerShard(),
            config.maxShards());
        this.limiter = new RequestLimiter(redis, config.rateLimits(), metrics);
        this.grabs = new GrabService(redis, relay, emptyShards, finisher, limiter.tapRate());
        this.roomHub = new RoomHub(vertx, RedisClients.subscriber(vertx, config), HEARTBEAT_MILLIS);
        this.gauges = new RainGauges(vertx, redis, ledger, finisher::unfinishedRains, relay, metrics,
            GAUGE_REFRESH_MILLIS);
        this.routes = new Routes(vertx, config, ledger, redis, producer, rains, grabs, cache, limiter, metrics,
            authenticator, new RoomEventsRoute(new RoomEntrance(roomHub, ledger, WS_WRITE_QUEUE_BYTES, WS_STALL_MILLIS),
                authenticator, limiter.connections(), limiter.trustedProxies()));
    }

    /**
     * An instance with a registry of its own: its metrics are the application's only, without Vert.x's
     * (which need a Vert.x built by {@link MeteredVertx}). Tests start several of these in one Vert.x.
     */
    public static Future<RainApi> start(Vertx vertx, ApiConfig config) {
        return start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * Connects (ledger: call from a plain thread), then deploys the HTTP verticles. {@code metrics} is
     * what /metrics scrapes: the one {@link MeteredVertx} reports Vert.x's own metrics to.
     */
    public static Future<RainApi> start(Vertx vertx, ApiConfig config, PrometheusMeterRegistry metrics) {
        RainApi api;
        try {
            api = new RainApi(vertx, config, metrics);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        // Tokens are taken from the first request on, so a configured JWK Set is loaded first.
        return api.authenticator.ready().compose(keys -> api.deploy()).map(api);
    }

    private Future<String> deploy() {
        if (config.demoMode()) {
            LOG.warn(DemoMode.warning(config));
        }
        return deployPublic().compose(id -> deployManagement());
    }

    private Future<String> deployManagement() {
        ManagementVerticle verticle = new ManagementVerticle(config.management(), routes::mountManagement);
        return vertx.deployVerticle(verticle).onSuccess(id -> {
            management = verticle;
            managementDeployment = id;
            LOG.info("rain API {} serves /metrics on {}:{}", config.instanceId(), config.management().host(),
                verticle.actualPort());
        });
    }

    private Future<String> deployPublic() {
        return vertx.deployVerticle(() -> new HttpVerticle(config.httpHost(), config.httpPort(), config.httpTimeouts(), authenticator, limiter,
                    routes::mountPublic, routes::mountV1),
                new DeploymentOptions().setInstances(config.httpInstances()))
            .onSuccess(id -> {
                deployment = id;
                LOG.info("rain API {} listening on {}:{} ({} transport)", config.instanceId(), config.httpHost(),
                    config.httpPort(), vertx.isNativeTransportEnabled() ? "native" : "java.nio");
            });
    }

    /** A router built exactly as each HTTP verticle builds its own, for tests that walk the served routes. */
    Router router() {
        return HttpVerticle.router(vertx, authenticator, limiter, routes::mountPublic, routes::mountV1);
    }

    /** This instance's room channels, for tests that count connections. */
    RoomHub roomHub() {
        return roomHub;
    }

    /** The port /metrics is served on (the configured one, or the one picked for 0). */
    public int managementPort() {
        return management.actualPort();
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public ApiConfig config() {
        return config;
    }

    /**
     * Waits until no grab is between Redis and the relay. The HTTP server's shutdown already waits for
     * requests in flight, but a grab whose connection was closed under it still takes its packet when
     * Redis answers; its claim must reach the relay before the relay stops.
     */
    private Future<Void> grabsDrained(long deadline) {
        if (grabs.inFlight() == 0) {
            return Future.succeededFuture();
        }
        if (System.currentTimeMillis() > deadline) {
            LOG.warn("{} grabs still waiting for Redis at stop; their claims stay in the outbox for the sweepers",
                grabs.inFlight());
            return Future.succeededFuture();
        }
        return vertx.timer(5).compose(waited -> grabsDrained(deadline));
    }

    /**
     * Stops in order: no new requests, in-flight ones finish, grabs already in Redis hand their claims
     * over, the relay hands its claims to Kafka and deletes them from the outboxes, the finisher stops,
     * then the clients close.
     */
    public Future<Void> stop() {
        // WebSockets first: a stalled viewer must not hold the HTTP server's graceful shutdown open.
        roomHub.close();
        Future<Void> undeployed = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
        return undeployed
            .compose(done -> managementDeployment == null ? Future.succeededFuture() : vertx.undeploy(managementDeployment))
            .compose(done -> grabsDrained(System.currentTimeMillis() + GRAB_DRAIN_MILLIS))
            .compose(done -> relay.stop())
            .eventually(() -> {
                gauges.stop();
                finisher.stop();
                return vertx.executeBlocking(() -> {
                    relay.close();
                    ledger.close();
                    database.close();
                    return null;
                });
            })
            .compose(done -> redis.close())
            .onComplete(done -> LOG.info("rain API {} stopped", config.instanceId()));
    }
}
