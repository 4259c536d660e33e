package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The RS256 signing keys of a JSON Web Key Set (RFC 7517), by {@code kid}. A set may also hold keys for
 * other uses or algorithms (EC, encryption): those are skipped, never refused, so an issuer can publish
 * them beside ours. Each key taken comes back bound to RS256 and signatures whatever the document said,
 * so the verifier cannot be talked into another algorithm with it.
 */
public final class JwksDocument {

    /** Far above a real key set of a few keys; a document this big is a mistake or an attack. */
    public static final int MAX_BYTES = 256 * 1024;

    private JwksDocument() {
    }

    /** @throws IllegalArgumentException when the text is not a key set or holds no usable key */
    public static Map<String, JsonObject> rs256Keys(String text) {
        JsonArray keys;
        try {
            keys = new JsonObject(text).getJsonArray("keys");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JWK Set: a JSON object with a \"keys\" array is expected");
        }
        if (keys == null) {
            throw new IllegalArgumentException("not a JWK Set: it has no \"keys\" array");
        }
        Map<String, JsonObject> byKid = new LinkedHashMap<>();
        for (Object entry : keys) {
            JsonObject key = entry instanceof JsonObject object ? rs256Key(object) : null;
            if (key != null && byKid.put(key.getString("kid"), key) != null) {
                // Two keys under one kid: which one signed a token would be a guess.
                throw new IllegalArgumentException("the JWK Set has two RS256 keys with kid '" + key.getString("kid") + "'");
            }
        }
        if (byKid.isEmpty()) {
            throw new IllegalArgumentException("the JWK Set has no usable RS256 key (kty RSA, a kid, use sig, at least "
                + JwtConfig.MIN_RSA_BITS + " bits)");
        }
        return byKid;
    }

    /** The key as the verifier takes it, or null when it is not an RS256 signing key we accept. */
    private static JsonObject rs256Key(JsonObject jwk) {
        if (!"RSA".equals(jwk.getValue("kty")) || !(jwk.getValue("kid") instanceof String kid) || kid.isEmpty()
            || kid.length() > 256 || !oneOf(jwk.getValue("use"), "sig") || !oneOf(jwk.getValue("alg"), "RS256")
            || !(jwk.getValue("n") instanceof String n) || !(jwk.getValue("e") instanceof String e)) {
            return null;
        }
        try {
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(magnitude(n), magnitude(e)));
            if (key.getModulus().bitLength() < JwtConfig.MIN_RSA_BITS) {
                return null;
            }
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException bad) {
            return null;
        }
        return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
            .put("n", n).put("e", e);
    }

    /** Absent, or exactly {@code expected}. */
    private static boolean oneOf(Object value, String expected) {
        return value == null || expected.equals(value);
    }

    private static BigInteger magnitude(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }

    /** For start-up checks: a ConfigException naming the variable rather than the parser's words alone. */
    static Map<String, JsonObject> rs256Keys(String text, String variable) {
        try {
            return rs256Keys(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable + ": " + e.getMessage());
        }
    }
}
