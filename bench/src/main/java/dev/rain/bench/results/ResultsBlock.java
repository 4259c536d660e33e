package dev.rain.bench.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated block of bench/RESULTS.md, between its two markers; everything around it is written by hand and
 * kept as it is.
 */
final class ResultsBlock {

    static final String START = "<!-- bench:table:start -->";
    static final String END = "<!-- bench:table:end -->";

    private ResultsBlock() {
    }

    /** The document with its block's lines replaced by the summary's; a document without the markers is unchanged. */
    static List<String> replace(List<String> document, List<String> summary) {
        List<String> out = new ArrayList<>();
        boolean inBlock = false;
        for (String line : document) {
            if (line.contains(START)) {
                out.add(line);
                out.addAll(summary);
                inBlock = true;
            } else if (line.contains(END)) {
                inBlock = false;
            }
            if (!inBlock && !line.contains(START)) {
                out.add(line);
            }
        }
        return out;
    }

    /** Rewrites the file through a copy beside it, so a failed write leaves the old document whole. */
    static void publish(Path summary, Path document) throws IOException {
        List<String> replaced = replace(Files.readAllLines(document, StandardCharsets.UTF_8),
            Files.readAllLines(summary, StandardCharsets.UTF_8));
        Path next = document.resolveSibling(document.getFileName() + ".new");
        Files.write(next, replaced, StandardCharsets.UTF_8);
        Files.move(next, document, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
