package dev.rain.api;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JSON Web Signatures built by hand with the JDK's own HMAC and RSA, so tests of token verification do not
 * trust the JWT library they test: whatever it would mint or accept, these bytes are what an attacker or a
 * platform would send.
 */
public final class Jws {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    public static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code header.payload} of the given JSON texts, exactly as written. */
    public static String signingInput(String header, String payload) {
        return b64(header) + "." + b64(payload);
    }

    public static String hmac(String algorithm, byte[] key, String header, String payload) {
        String input = signingInput(header, payload);
        try {
            String jca = switch (algorithm) {
                case "HS256" -> "HmacSHA256";
                case "HS384" -> "HmacSHA384";
                case "HS512" -> "HmacSHA512";
                default -> throw new IllegalArgumentException(algorithm);
            };
            Mac mac = Mac.getInstance(jca);
            mac.init(new SecretKeySpec(key, jca));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hs256(String secret, String payload) {
        return hmac("HS256", secret.getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload);
    }

    public static String rsa(String jcaAlgorithm, PrivateKey key, String header, String payload) {
        String input = signingInput(header, payload);
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm);
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(PrivateKey key, String payload) {
        return rsa("SHA256withRSA", key, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload);
    }

    /** An {@code alg: none} token: no signature at all, or a junk one some libraries ignore. */
    public static String unsigned(String payload, String signature) {
        return signingInput("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload) + "." + signature;
    }

    /** The claims the contract requires, expiring {@code expInSeconds} from now. */
    public static String claims(String sub, String roles, long expInSeconds) {
        return "{\"sub\":\"" + sub + "\",\"roles\":" + roles + ",\"exp\":" + (System.currentTimeMillis() / 1000 + expInSeconds) + "}";
    }

    /** {@link #claims(String, String, long)} and more, {@code more} being JSON members such as {@code "iss":"x"}. */
    public static String claims(String sub, String roles, long expInSeconds, String more) {
        String claims = claims(sub, roles, expInSeconds);
        return claims.substring(0, claims.length() - 1) + "," + more + "}";
    }

    /** Seconds since the epoch, as the time claims count. */
    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** An RS256 token whose header names the key that signed it. */
    public static String rs256(PrivateKey key, String kid, String payload) {
        return rsa("SHA256withRSA", key, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}", payload);
    }

    /** A JSON Web Key Set (RFC 7517) of RSA signing keys, each {@code kid} followed by its key. */
    public static String jwks(Object... kidsAndKeys) {
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < kidsAndKeys.length; i += 2) {
            RSAPublicKey key = (RSAPublicKey) kidsAndKeys[i + 1];
            keys.append(i == 0 ? "" : ",").append("{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"")
                .append(kidsAndKeys[i]).append("\",\"n\":\"").append(magnitude(key.getModulus()))
                .append("\",\"e\":\"").append(magnitude(key.getPublicExponent())).append("\"}");
        }
        return "{\"keys\":[" + keys + "]}";
    }

    /** RFC 7518 6.3.1: the big-endian magnitude without the sign byte Java adds, base64url. */
    private static String magnitude(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return B64.encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    public static KeyPair rsaKeyPair(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The X.509 SubjectPublicKeyInfo PEM that {@code openssl rsa -pubout} writes. */
    public static String pem(PublicKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }
}
