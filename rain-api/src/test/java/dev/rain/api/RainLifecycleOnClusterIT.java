package dev.rain.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The lifecycle tests again, with the API on the local three-master Redis Cluster. Every rain is cut
 * into many shards (one per packet, at most 64), so its hash tags land on all three masters; each
 * prepare is checked by asking every master directly what it holds.
 */
class RainLifecycleOnClusterIT extends RainLifecycleIT {

    private LocalRedisCluster cluster;

    @Override
    ApiHarness startSystem() throws Exception {
        cluster = LocalRedisCluster.fromEnvironment();
        return new ApiHarness("lifecycle_cluster", cluster.apiEnvironment(Map.of(
            "RAIN_PACKETS_PER_SHARD", "1",
            "RAIN_MAX_SHARDS", "64")));
    }

    /**
     * Every shard lives on exactly one master, the packets on the masters add up to the rain's count,
     * and no master is left out. (A rain here has at least 50 shards: the chance that three masters of a
     * third of the slots each do not all get one is below 1e-8.) Then every master forgets its scripts,
     * so the rain's grabs must load them again through the NOSCRIPT fallback on each node.
     */
    @Override
    void afterPrepare(String code) throws Exception {
        List<String> masters = cluster.masters();
        assertEquals(3, masters.size(), "masters of the local cluster");
        int shards = (int) system.queryLong("SELECT shard_count FROM rains WHERE config_code = ?", code);
        long packets = system.queryLong("SELECT total_count FROM rains WHERE config_code = ?", code);
        LocalRedisCluster.ShardPlacement placement = cluster.placement(code, shards);

        assertTrue(Arrays.stream(placement.ownersByShard()).allMatch(owners -> owners == 1),
            "each shard owned by exactly one master: " + Arrays.toString(placement.ownersByShard()));
        assertEquals(packets, placement.packetsByMaster().values().stream().mapToLong(Long::longValue).sum(),
            "packets over the masters");
        for (String master : masters) {
            assertTrue(placement.packetsByMaster().get(master) > 0,
                master + " holds none of the rain's " + shards + " shards: " + placement.packetsByMaster());
        }
        cluster.flushScripts();
    }

    @AfterAll
    void closeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
