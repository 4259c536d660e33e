package dev.rain.deploy;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An environment that notes every variable a configuration asks for, so the test knows the names a service
 * reads from the service's own code rather than from a list kept by hand beside it.
 */
final class RecordingEnvironment extends AbstractMap<String, String> {

    private final Map<String, String> values;
    private final Set<String> asked = new TreeSet<>();

    RecordingEnvironment(Map<String, String> values) {
        this.values = values;
    }

    @Override
    public String get(Object key) {
        asked.add(String.valueOf(key));
        return values.get(key);
    }

    @Override
    public String getOrDefault(Object key, String fallback) {
        asked.add(String.valueOf(key));
        return values.getOrDefault(key, fallback);
    }

    @Override
    public boolean containsKey(Object key) {
        asked.add(String.valueOf(key));
        return values.containsKey(key);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return values.entrySet();
    }

    Set<String> asked() {
        return Set.copyOf(asked);
    }
}
