package dev.rain.api.rain;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shards this instance has seen run empty. A list never grows after prepare, so empty is final, and a
 * grab can skip those shards instead of asking Redis again; once all are empty the rain is sold out.
 */
public final class EmptyShards {

    private final ConcurrentHashMap<String, Set<Integer>> empty = new ConcurrentHashMap<>();

    public void mark(String configCode, int shard) {
        empty.computeIfAbsent(configCode, code -> ConcurrentHashMap.newKeySet()).add(shard);
    }

    public boolean isEmpty(String configCode, int shard) {
        Set<Integer> shards = empty.get(configCode);
        return shards != null && shards.contains(shard);
    }

    /** This instance has seen at least one of the rain's shards run empty. */
    public boolean anyEmpty(String configCode) {
        Set<Integer> shards = empty.get(configCode);
        return shards != null && !shards.isEmpty();
    }

    public boolean allEmpty(String configCode, int shardCount) {
        Set<Integer> shards = empty.get(configCode);
        return shards != null && shards.size() >= shardCount;
    }

    public void forget(String configCode) {
        empty.remove(configCode);
    }
}
