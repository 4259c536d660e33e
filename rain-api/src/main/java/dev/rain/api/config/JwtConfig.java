package dev.rain.api.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * How bearer tokens are verified: one algorithm and its one key. A token signed any other way is refused,
 * so a deployment is either HS256 (a shared secret) or RS256 (the platform's public key), never both.
 *
 * @param algorithm    {@code HS256} or {@code RS256}
 * @param secret       the HS256 secret (null with RS256)
 * @param publicKeyPem the RS256 public key, an X.509 {@code PUBLIC KEY} PEM (null with HS256)
 * @param generated    the secret was made up for this run (demo mode): nobody else can know it
 */
public record JwtConfig(String algorithm, String secret, String publicKeyPem, boolean generated) {

    public static final String HS256 = "HS256";
    public static final String RS256 = "RS256";
    public static final int MIN_SECRET_BYTES = 32;
    /** Below this an RSA key can be factored by a determined attacker (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;

    public JwtConfig {
        if (HS256.equals(algorithm)) {
            if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                throw new ConfigException("RAIN_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
            }
        } else if (RS256.equals(algorithm)) {
            rsaPublicKey(publicKeyPem);
        } else {
            throw new ConfigException("RAIN_JWT_ALGORITHM must be HS256 or RS256, was '" + algorithm + "'");
        }
    }

    static JwtConfig fromEnv(Env env, boolean demo) {
        String algorithm = env.string("RAIN_JWT_ALGORITHM", HS256);
        String secret = env.string("RAIN_JWT_SECRET", null);
        String pem = publicKey(env);
        if (RS256.equals(algorithm)) {
            if (demo) {
                // Demo mode mints HS256 tokens (printed at start, and its sign-in page): an RS256 deployment
                // holds only the platform's public key and could mint nothing it would accept.
                throw new ConfigException("RAIN_DEMO_MODE cannot be used with RAIN_JWT_ALGORITHM=RS256: "
                    + "demo tokens are HS256");
            }
            if (secret != null) {
                throw new ConfigException("RAIN_JWT_SECRET is set but RAIN_JWT_ALGORITHM is RS256: remove one, "
                    + "only the configured algorithm is accepted");
            }
            if (pem == null) {
                throw new ConfigException("RAIN_JWT_ALGORITHM=RS256 needs RAIN_JWT_PUBLIC_KEY (PEM text) or "
                    + "RAIN_JWT_PUBLIC_KEY_FILE");
            }
            return new JwtConfig(RS256, null, pem, false);
        }
        if (pem != null && HS256.equals(algorithm)) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY is set but RAIN_JWT_ALGORITHM is HS256: set "
                + "RAIN_JWT_ALGORITHM=RS256 to verify with the key");
        }
        if (secret == null && demo && HS256.equals(algorithm)) {
            return new JwtConfig(HS256, generatedSecret(), null, true);
        }
        if (secret == null && HS256.equals(algorithm)) {
            throw new ConfigException("RAIN_JWT_SECRET is required (at least " + MIN_SECRET_BYTES
                + " bytes); set RAIN_DEMO_MODE=true to try the service locally with a generated one");
        }
        return new JwtConfig(algorithm, secret, null, false);
    }

    /** The key as text in the environment (literal {@code \n} allowed, as some deployers flatten it), or a file. */
    private static String publicKey(Env env) {
        String text = env.string("RAIN_JWT_PUBLIC_KEY", null);
        String file = env.string("RAIN_JWT_PUBLIC_KEY_FILE", null);
        if (text != null && file != null) {
            throw new ConfigException("set RAIN_JWT_PUBLIC_KEY or RAIN_JWT_PUBLIC_KEY_FILE, not both");
        }
        if (file != null) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim();
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("RAIN_JWT_PUBLIC_KEY_FILE cannot be read: " + e.getMessage());
            }
        }
        return text == null ? null : text.replace("\\n", "\n");
    }

    /**
     * Parses and checks the key at start-up, so a bad one stops the service with its name rather than
     * refusing every token later.
     */
    public static RSAPublicKey rsaPublicKey(String pem) {
        if (pem == null) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY is required with RS256");
        }
        String text = pem.trim();
        String begin = "-----BEGIN PUBLIC KEY-----";
        String end = "-----END PUBLIC KEY-----";
        if (!text.startsWith(begin) || !text.endsWith(end)) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY must be a PEM '" + begin + "' block (X.509 "
                + "SubjectPublicKeyInfo, as `openssl rsa -pubout` writes it)");
        }
        String body = text.substring(begin.length(), text.length() - end.length()).replaceAll("\\s", "");
        RSAPublicKey key;
        try {
            key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY is not an RSA public key: " + e.getMessage());
        }
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY has " + key.getModulus().bitLength()
                + " bits; at least " + MIN_RSA_BITS + " are required");
        }
        return key;
    }

    /** 256 random bits, printable so it can be handed to {@code ./rainctl token}. */
    private static String generatedSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "demo-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        // Never the secret: configurations get logged.
        return "JwtConfig[" + algorithm + (generated ? ", generated" : "") + "]";
    }
}
