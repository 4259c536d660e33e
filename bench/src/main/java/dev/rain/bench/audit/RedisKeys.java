package dev.rain.bench.audit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** Counts keys by pattern with SCAN: unlike KEYS, it never holds Redis for the whole keyspace at once. */
final class RedisKeys implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final RedisConnection connection;

    RedisKeys(String url) {
        this.connection = Redis.createClient(vertx, url).connect().await();
    }

    long count(String pattern) {
        long count = 0;
        String cursor = "0";
        do {
            Response page = connection.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern)
                .arg("COUNT").arg(1000)).await();
            cursor = page.get(0).toString();
            count += page.get(1).size();
        } while (!"0".equals(cursor));
        return count;
    }

    @Override
    public void close() {
        connection.close();
        vertx.close().await();
    }
}
