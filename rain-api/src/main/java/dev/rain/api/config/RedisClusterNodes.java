package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RAIN_REDIS_CLUSTER_NODES}: some masters of a Redis Cluster, comma-separated, as {@code host:port} or
 * {@code redis://[user:password@]host:port} ({@code rediss://} for TLS). The client learns the rest of the
 * cluster from them, so a few seeds are enough. Unset means a single Redis at {@code RAIN_REDIS_URL}.
 */
final class RedisClusterNodes {

    static final String VARIABLE = "RAIN_REDIS_CLUSTER_NODES";

    private RedisClusterNodes() {
    }

    static List<String> fromEnv(Env env) {
        String raw = env.string(VARIABLE, null);
        if (raw == null) {
            return List.of();
        }
        List<String> nodes = new ArrayList<>();
        for (String entry : raw.split(",")) {
            String node = entry.trim();
            if (!node.isEmpty()) {
                nodes.add(normalise(node));
            }
        }
        if (nodes.isEmpty()) {
            throw new ConfigException(VARIABLE + " names no node, was '" + raw + "'");
        }
        return List.copyOf(nodes);
    }

    private static String normalise(String node) {
        String url = node.contains("://") ? node : "redis://" + node;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(node, "not a URL");
        }
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw invalid(node, "the scheme must be redis:// or rediss://");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65_535) {
            throw invalid(node, "it needs a host and a port");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            // Redis Cluster has database 0 only: a /1 here would be silently ignored.
            throw invalid(node, "a cluster node has no database number");
        }
        return url;
    }

    private static ConfigException invalid(String node, String why) {
        // The message reaches the logs: never with the node's password in it.
        String shown = node.replaceAll("//[^@/]*@", "//***@");
        return new ConfigException(VARIABLE + ": '" + shown + "' is not a Redis node (" + why + ")");
    }
}
