package dev.rain.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples (jdk.ExecutionSample): the methods that were on top of the
 * stack (self time) and the methods anywhere on the stack (total time), as shares of all samples, and
 * the share of samples per thread group. JDK 17's {@code jfr} tool has no such view.
 *
 * <p>Usage: {@code JfrTop <recording.jfr> [rows]}.
 */
public final class JfrTop {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            String thread = event.getThread("sampledThread") == null ? "?"
                : event.getThread("sampledThread").getJavaName().replaceAll("-?\\d+$", "");
            threads.merge(thread, 1, Integer::sum);
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = name(frame.getMethod());
                if (seen.add(method)) {
                    total.merge(method, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "samples: %d%n%nthreads (share of samples):%n", samples);
        print(threads, samples, rows);
        System.out.printf(Locale.ROOT, "%nself (top of stack):%n");
        print(self, samples, rows);
        System.out.printf(Locale.ROOT, "%ntotal (anywhere on the stack), rain and hot library frames:%n");
        print(total, samples, rows * 2);
    }

    private static String name(RecordedMethod method) {
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }

    private static void print(Map<String, Integer> counts, int samples, int rows) {
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .limit(rows)
            .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / samples,
                e.getKey()));
    }
}
