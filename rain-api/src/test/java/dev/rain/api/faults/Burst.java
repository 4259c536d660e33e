package dev.rain.api.faults;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room of viewers tapping at once: every viewer grabs in a loop until it hears SOLD_OUT, LIMIT_REACHED
 * or ENDED, over all API instances at the same time. What each viewer was told is kept, because the
 * money invariants are about what clients heard: every WON answer must end up credited.
 *
 * <p>A request that fails (an instance was killed, a service is away) is tried again on the next instance
 * after a short pause; its outcome is unknown to the viewer, as it would be in an app.
 */
final class Burst {

    private static final Logger LOG = LoggerFactory.getLogger(Burst.class);

    /** One WON answer as the viewer received it. */
    record Won(String userId, long amount) {
    }

    private final Vertx vertx;
    private final HttpClient http;
    private final List<Integer> ports;
    private final String code;
    private final String roomId;
    private final Buffer body;
    private final Map<String, Won> wins = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> doubleWins = new ConcurrentLinkedQueue<>();
    private final AtomicLong wonCount = new AtomicLong();
    private final AtomicLong soldOut = new AtomicLong();
    private final AtomicLong limitReached = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile long deadline;
    private volatile int triggerAt = Integer.MAX_VALUE;
    private volatile Runnable fault;
    private final AtomicBoolean triggered = new AtomicBoolean();
    private final AtomicLong gaveUp = new AtomicLong();

    Burst(Vertx vertx, List<Integer> ports, String code, String roomId) {
        this.vertx = vertx;
        this.http = vertx.httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000))
            .with(new PoolOptions().setHttp1MaxSize(48).setMaxWaitQueueSize(-1))
            // The suite kills API instances under this client on purpose: their connections are reset. Vert.x logs
            // a connection's failure at ERROR unless the connection has a handler; the requests on it fail too and
            // are counted and retried by tap(), so the connection's own report is only worth a DEBUG line.
            .withConnectHandler(connection -> connection.exceptionHandler(
                e -> LOG.debug("connection to {} lost: {}", connection.remoteAddress(), e.toString())))
            .build();
        this.ports = List.copyOf(ports);
        this.code = code;
        this.roomId = roomId;
        this.body = new JsonObject().put("roomId", roomId).toBuffer();
    }

    /** Runs {@code action} on its own thread once this many WON answers came back; the burst goes on meanwhile. */
    Burst whenWon(int wins, Runnable action) {
        this.triggerAt = wins;
        this.fault = action;
        return this;
    }

    /** Every viewer taps until done; returns when all are, or after {@code maxSeconds}. */
    void run(Map<String, String> tokensByViewer, int maxSeconds) throws Exception {
        deadline = System.currentTimeMillis() + maxSeconds * 1000L;
        List<Future<Void>> viewers = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        for (Map.Entry<String, String> viewer : tokensByViewer.entrySet()) {
            int home = next.getAndIncrement() % ports.size();
            Promise<Void> done = Promise.promise();
            vertx.runOnContext(v -> tap(viewer.getKey(), viewer.getValue(), home, done));
            viewers.add(done.future());
        }
        Future.join(viewers).await(maxSeconds + 60L, TimeUnit.SECONDS);
        http.close().await(10, TimeUnit.SECONDS);
    }

    private void tap(String viewer, String token, int instance, Promise<Void> done) {
        if (System.currentTimeMillis() > deadline) {
            gaveUp.incrementAndGet();
            done.complete();
            return;
        }
        requests.incrementAndGet();
        int port = ports.get(instance % ports.size());
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI("/v1/rains/" + code + "/grab").putHeader("Authorization", "Bearer " + token)
                .putHeader("Content-Type", "application/json").setIdleTimeout(15_000))
            .compose(request -> request.send(body))
            .compose(response -> response.body().map(bytes -> answer(viewer, response.statusCode(), bytes)))
            .onComplete(result -> {
                Step step = result.succeeded() ? result.result() : Step.RETRY;
                if (result.failed()) {
                    failures.incrementAndGet();
                }
                switch (step) {
                    case AGAIN -> tap(viewer, token, instance, done);
                    case DONE -> done.complete();
                    case RETRY -> vertx.setTimer(100, id -> tap(viewer, token, instance + 1, done));
                }
            });
    }

    private enum Step { AGAIN, DONE, RETRY }

    private Step answer(String viewer, int status, Buffer bytes) {
        JsonObject json = bytes.length() > 0 && bytes.getByte(0) == '{' ? new JsonObject(bytes) : new JsonObject();
        if (status == 200) {
            switch (json.getString("outcome", "")) {
                case "WON" -> {
                    Won previous = wins.put(json.getString("packetId"), new Won(viewer, json.getLong("amount")));
                    if (previous != null) {
                        doubleWins.add(json.getString("packetId") + " to " + previous.userId() + " and " + viewer);
                    }
                    if (wonCount.incrementAndGet() >= triggerAt && triggered.compareAndSet(false, true)) {
                        Thread thread = new Thread(fault, "fault");
                        thread.setDaemon(true);
                        thread.start();
                    }
                    return Step.AGAIN;
                }
                case "SOLD_OUT" -> {
                    soldOut.incrementAndGet();
                    return Step.DONE;
                }
                case "LIMIT_REACHED" -> {
                    limitReached.incrementAndGet();
                    return Step.DONE;
                }
                default -> {
                    failures.incrementAndGet();
                    return Step.RETRY;
                }
            }
        }
        if (status == 409 && "ENDED".equals(json.getString("code"))) {
            ended.incrementAndGet();
            return Step.DONE;
        }
        // 5xx while a service is away, 429, 409 NOT_STARTED: the app would tap again.
        failures.incrementAndGet();
        return Step.RETRY;
    }

    String code() {
        return code;
    }

    Map<String, Won> wins() {
        return wins;
    }

    long wonCount() {
        return wonCount.get();
    }

    List<String> doubleWins() {
        return List.copyOf(doubleWins);
    }

    /** Viewers still tapping when the time ran out: the burst did not end by itself. */
    long gaveUp() {
        return gaveUp.get();
    }

    boolean triggered() {
        return triggered.get();
    }

    String summary() {
        return "requests " + requests + ", WON " + wonCount + ", SOLD_OUT " + soldOut + ", LIMIT_REACHED " + limitReached
            + ", ENDED " + ended + ", failed or retried " + failures + ", still tapping at the deadline " + gaveUp;
    }
}
