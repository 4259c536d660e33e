package dev.rain.api.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from {@code src/main/resources/lua/}, called by SHA. When a Redis node does not know it
 * yet (a restart, a failover, a new cluster master) the call falls back to EVAL once, which also
 * caches it there.
 */
public final class LuaScript {

    private final String name;
    private final String body;
    private final String sha;

    private LuaScript(String name, String body) {
        this.name = name;
        this.body = body;
        this.sha = sha1(body);
    }

    public static LuaScript load(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream("/lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script lua/" + name + ".lua");
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public Future<Response> call(Redis redis, List<String> keys, Object... args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args))
            .recover(failure -> isNoScript(failure)
                ? redis.send(request(Command.EVAL, body, keys, args))
                : Future.failedFuture(failure));
    }

    /** The EVALSHA request, for callers that pipeline several calls in one batch. */
    public Request evalsha(List<String> keys, Object... args) {
        return request(Command.EVALSHA, sha, keys, args);
    }

    public Request eval(List<String> keys, Object... args) {
        return request(Command.EVAL, body, keys, args);
    }

    public static boolean isNoScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static Request request(Command command, String script, List<String> keys, Object[] args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        for (String key : keys) {
            request.arg(key);
        }
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else if (arg instanceof Long number) {
                request.arg(number);
            } else if (arg instanceof Integer number) {
                request.arg(number);
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return request;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
