package dev.rain.settlement.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** A Prometheus text exposition read back into its samples, so a test asserts values, not number formatting. */
public final class Scrape {

    private final String text;
    private final Map<String, Double> samples = new LinkedHashMap<>();

    public Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    /** The sample named exactly so, labels included ({@code name{loop="0"}}). */
    public OptionalDouble value(String series) {
        Double value = samples.get(series);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Whether any sample's name starts with {@code prefix}. */
    public boolean hasSeriesStartingWith(String prefix) {
        return samples.keySet().stream().anyMatch(name -> name.startsWith(prefix));
    }

    @Override
    public String toString() {
        return text;
    }
}
