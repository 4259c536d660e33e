package dev.rain.api.redis;

import java.time.Instant;

/**
 * Counters summed over a rain's shards.
 *
 * @param claimedCount  packets popped (each with its claim in an outbox)
 * @param packetsLeft   packets still in the lists
 * @param lastEmptiedAt when the last shard ran empty, if every shard has; null otherwise
 * @param missingShards shards whose state is gone (released, or never loaded)
 */
public record ShardCounters(long claimedCount, long claimedAmount, long packetsLeft, Instant lastEmptiedAt,
                            int missingShards) {
}
