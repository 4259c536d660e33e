package dev.rain.api.ratelimit;

import dev.rain.api.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate-limit script: checks one or more buckets of one client in one atomic call, charging the
 * taking ones only when all allow. Every key of a call shares the client's hash tag (one slot).
 */
final class GcraScript {

    /**
     * A bucket of a call: its key, its limit, and how many requests to take from it (0: only look; more
     * than 1: a lease, granted as many as every taking bucket holds).
     */
    record Bucket(String key, Limit limit, int take) {
    }

    /**
     * {@code refused} is the index of the bucket that refused, or -1 when the request may go on, with
     * {@code granted} requests taken from each taking bucket.
     */
    record Verdict(int refused, long retryAfterMicros, int granted) {

        boolean allowed() {
            return refused < 0;
        }

        /** Whole seconds, at least 1, as {@code Retry-After} wants them. */
        long retryAfterSeconds() {
            return Limit.retryAfterSeconds(retryAfterMicros);
        }
    }

    private final LuaScript script = LuaScript.load("rate-limit");
    private final Redis redis;

    GcraScript(Redis redis) {
        this.redis = redis;
    }

    Future<Verdict> check(List<Bucket> buckets) {
        List<String> keys = new ArrayList<>(buckets.size());
        Object[] args = new Object[buckets.size() * 3];
        for (int i = 0; i < buckets.size(); i++) {
            Bucket bucket = buckets.get(i);
            keys.add(bucket.key());
            args[3 * i] = bucket.limit().intervalMicros();
            args[3 * i + 1] = bucket.limit().burst();
            args[3 * i + 2] = bucket.take();
        }
        return script.call(redis, keys, args).map(GcraScript::verdict);
    }

    private static Verdict verdict(Response reply) {
        int index = reply.get(0).toInteger();
        return new Verdict(index - 1, reply.get(1).toLong(), reply.size() > 2 ? reply.get(2).toInteger() : 0);
    }
}
