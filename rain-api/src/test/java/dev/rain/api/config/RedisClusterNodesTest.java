package dev.rain.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rain.common.config.ConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisClusterNodesTest {

    private static final String SECRET = "a-secret-that-is-at-least-32-bytes-long";

    private static ApiConfig withNodes(String nodes) {
        return ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET, "RAIN_REDIS_CLUSTER_NODES", nodes));
    }

    @Test
    @DisplayName("without RAIN_REDIS_CLUSTER_NODES the API uses the single Redis of RAIN_REDIS_URL")
    void unsetMeansSingleRedis() {
        assertEquals(List.of(), ApiConfig.fromEnv(Map.of("RAIN_JWT_SECRET", SECRET)).redisClusterNodes());
    }

    @Test
    @DisplayName("cluster seeds may be bare host:port or redis URLs, and are kept in order as URLs")
    void seedsBecomeUrls() {
        assertEquals(List.of("redis://10.0.0.1:7000", "redis://:pw@redis-1.internal:7001", "rediss://r2:6380"),
            withNodes(" 10.0.0.1:7000, redis://:pw@redis-1.internal:7001 ,rediss://r2:6380").redisClusterNodes());
    }

    @ParameterizedTest
    @ValueSource(strings = {" , ", "10.0.0.1", "http://10.0.0.1:7000", "redis://10.0.0.1:7000/2", "10.0.0.1:99999"})
    @DisplayName("a seed that is not host:port of a Redis node is refused, naming the variable")
    void badSeedIsRefused(String nodes) {
        ConfigException e = assertThrows(ConfigException.class, () -> withNodes(nodes));
        assertTrue(e.getMessage().startsWith("RAIN_REDIS_CLUSTER_NODES"), e.getMessage());
    }

    @Test
    @DisplayName("the refusal of a bad seed does not print its password")
    void refusalHidesThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> withNodes("redis://:s3cret@10.0.0.1"));
        assertTrue(!e.getMessage().contains("s3cret") && e.getMessage().contains("***@10.0.0.1"), e.getMessage());
    }
}
