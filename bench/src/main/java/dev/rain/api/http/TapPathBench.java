package dev.rain.api.http;

import dev.rain.api.config.JwtConfig;
import dev.rain.common.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The product's own steps of a tap after a sell-out, one by one, where the grab stage's profiles point: the
 * verified-token cache hit for one of the bench's 20,000 viewers, the grab body's strict read, the content type's
 * check, and the 409 problem's body. Each figure is the step alone, warm, on this machine: what a change to it
 * can save at most, measured apart from the noise that hides a microsecond in the end-to-end runs.
 *
 * <p>In the package of the classes it measures, so that it calls the same package-private methods the routes do.
 *
 * <pre>java -cp "$TOOLS_CP" org.openjdk.jmh.Main TapPathBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class TapPathBench {

    /** As many distinct viewers as the grab stage rotates through (bench/run's VIEWERS). */
    private static final int VIEWERS = 20_000;
    private static final Buffer GRAB_BODY = Buffer.buffer("{\"roomId\":\"bench-room\"}".getBytes(StandardCharsets.UTF_8));

    private Vertx vertx;
    private Authenticator authenticator;
    /** Each viewer's {@code Authorization} header. */
    private String[] headers;
    private int next;

    @Setup(Level.Trial)
    public void viewers() throws Exception {
        vertx = Vertx.vertx();
        authenticator = new Authenticator(vertx, JwtConfig.hs256("0123456789abcdef0123456789abcdef"));
        headers = new String[VIEWERS];
        for (int i = 0; i < VIEWERS; i++) {
            String token = authenticator.mint("bench-viewer-" + i, Set.of(Caller.VIEWER), 3_600);
            headers[i] = "Bearer " + token;
            // Verified once, as the warm-up of the grab stage does: every measured call is a cache hit.
            authenticator.authenticate(token).await(10, TimeUnit.SECONDS);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /**
     * A viewer's token found in the verified-token cache, the next viewer each call (as wrk rotates them), cut
     * from its header as {@link Authenticator#handle} does: a new string each time, whose hash is not cached yet.
     */
    @Benchmark
    public Caller tokenCacheHit() {
        String token = headers[next].substring(7).trim();
        next = next + 1 == VIEWERS ? 0 : next + 1;
        return authenticator.authenticate(token).result();
    }

    /** The grab body read strictly: UTF-8 checked, one flat object, known fields, the room id's shape. */
    @Benchmark
    public String grabBody() {
        return GrabRoute.grabRequest(GRAB_BODY);
    }

    /** The Content-Type header's check. */
    @Benchmark
    public boolean contentType() {
        return Responses.isUtf8Json("application/json");
    }

    /** The 409 ENDED problem's bytes, with a request id. */
    @Benchmark
    public Buffer endedProblem() {
        return ProblemBody.encode(ErrorCode.ENDED, "the rain is over", null, "5f1dd621e8216ab3");
    }
}
