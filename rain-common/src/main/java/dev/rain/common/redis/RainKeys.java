package dev.rain.common.redis;

/**
 * Redis key names of a rain.
 *
 * <p>A rain is cut into shards. Every key of one shard carries the hash tag {@code {code:shard}}, so
 * the grab script (state, packets, outbox, per-user counts) touches a single hash slot and the
 * design runs unchanged on Redis Cluster, with a rain's shards spread over the masters.
 */
public final class RainKeys {

    private RainKeys() {
    }

    private static String tag(String configCode, int shard) {
        return "rain:{" + configCode + ':' + shard + '}';
    }

    /** Hash: window, closed flag, prepare fence token, loaded and claimed counters of one shard. */
    public static String state(String configCode, int shard) {
        return tag(configCode, shard) + ":state";
    }

    /** List of packets not yet taken, each {@code index:amount}. */
    public static String packets(String configCode, int shard) {
        return tag(configCode, shard) + ":packets";
    }

    /**
     * List a prepare fills under its own token before committing it as the shard's packets: a late
     * preparer's writes land in its own list, never in the one grabs pop from.
     */
    public static String staging(String configCode, int shard, String prepareToken) {
        return tag(configCode, shard) + ":staging:" + prepareToken;
    }

    /** Stream of claims waiting to be relayed to Kafka; an entry is deleted once Kafka confirmed it. */
    public static String outbox(String configCode, int shard) {
        return tag(configCode, shard) + ":outbox";
    }

    /** Hash: userId → grabs of users whose home shard this is (the per-user cap lives here). */
    public static String users(String configCode, int shard) {
        return tag(configCode, shard) + ":users";
    }

    /** Hash: userId → the GCRA theoretical arrival time of the viewer's taps (home shard), in microseconds. */
    public static String tapRates(String configCode, int shard) {
        return tag(configCode, shard) + ":tap-rates";
    }

    /** Lease so only one instance at a time sweeps a shard's stale outbox entries. */
    public static String sweepLease(String configCode, int shard) {
        return tag(configCode, shard) + ":sweep";
    }

    /** SETNX lock of the preparer, holding the owner's token. */
    public static String prepareLock(String configCode) {
        return "rain:{" + configCode + "}:prepare-lock";
    }

    /** Pub/sub channel of a room's events, shared by every API instance. */
    public static String roomChannel(String roomId) {
        return "rain:room:" + roomId;
    }

    /** Every key of one shard, for removal once the rain is finished. */
    public static String[] shardKeys(String configCode, int shard) {
        return new String[] {
            state(configCode, shard), packets(configCode, shard), outbox(configCode, shard),
            users(configCode, shard), tapRates(configCode, shard), sweepLease(configCode, shard)
        };
    }
}
