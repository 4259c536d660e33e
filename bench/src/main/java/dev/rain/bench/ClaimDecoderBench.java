package dev.rain.bench;

import dev.rain.common.event.Json;
import dev.rain.common.event.SettlementEvent;
import dev.rain.common.id.Ids;
import dev.rain.settlement.decode.ClaimDecoder;
import dev.rain.common.ledger.settle.Claim;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one settlement record as the relay writes it (a grab with its slot header): the consumer's
 * {@link ClaimDecoder} against the steps the decoder took before its fast path (Jackson's data binding of the
 * record, the id regexes, {@link Instant#parse}), on the same records: per record once the JIT has compiled
 * both, and for a first batch of 2,048 records in a fresh JVM, which is what a consumer that has just started
 * (and the quick settlement benchmark, a few seconds long) mostly runs.
 *
 * <pre>java -cp "$TOOLS_CP" org.openjdk.jmh.Main ClaimDecoderBench</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
// Long warm-ups: on a loaded 2-core machine the data binding's JIT compilation alone takes several seconds.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClaimDecoderBench {

    private static final Pattern PACKET_INDEX = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final int RECORDS = 2048;

    private final byte[][] values = new byte[RECORDS][];
    private final Headers headers = new RecordHeaders();
    private int next;

    @Setup
    public void records() throws Exception {
        String code = Ids.newConfigCode();
        for (int i = 0; i < RECORDS; i++) {
            // Instant.toString drops trailing zeros: vary the fraction's length as real grabs do.
            String at = Instant.ofEpochSecond(1_795_000_000L + i, (i % 3) * 120_000_000L + i * 1_000L)
                .truncatedTo(ChronoUnit.MICROS).toString();
            values[i] = Json.MAPPER.writeValueAsBytes(SettlementEvent.grab(Ids.packetId(code, i * 977), code,
                "room-" + (i % 7), "anchor-1", "viewer-" + i * 31, 1 + i * 13L, at));
        }
        headers.add(SettlementEvent.GRAB_SLOT_HEADER, "1".getBytes(StandardCharsets.US_ASCII));
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgs = {"-Xmx256m"})
    public int claimDecoderFirstBatch() throws Exception {
        int decoded = 0;
        for (int i = 0; i < RECORDS; i++) {
            decoded += claimDecoder() != null ? 1 : 0;
        }
        return decoded;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    @Fork(value = 5, jvmArgs = {"-Xmx256m"})
    public int dataBindingAndInstantParseFirstBatch() throws Exception {
        int decoded = 0;
        for (int i = 0; i < RECORDS; i++) {
            decoded += dataBindingAndInstantParse() != null ? 1 : 0;
        }
        return decoded;
    }

    private byte[] nextValue() {
        next = (next + 1) & (RECORDS - 1);
        return values[next];
    }

    @Benchmark
    public Claim claimDecoder() throws Exception {
        return ClaimDecoder.decode(nextValue(), headers);
    }

    /** The old decoder's steps, for the same record: what the consumer's profile showed as half its CPU. */
    @Benchmark
    public Object dataBindingAndInstantParse() throws Exception {
        SettlementEvent event = Json.MAPPER.readValue(nextValue(), SettlementEvent.class);
        boolean ids = Ids.isConfigCode(event.configCode()) && Ids.isRoomId(event.roomId())
            && Ids.isUserId(event.anchorId()) && Ids.isUserId(event.userId())
            && event.bizId().startsWith(event.configCode() + ':')
            && PACKET_INDEX.matcher(event.bizId().substring(event.configCode().length() + 1)).matches();
        Instant at = Instant.parse(event.occurredAt()).truncatedTo(ChronoUnit.MICROS);
        return ids ? at : null;
    }
}
