package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
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
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * How bearer tokens are verified. Each key is bound to one algorithm and the token's {@code alg} only picks
 * among those: HS256 with the shared secret; RS256 with the platform's one public key, or with the key a
 * JWK Set publishes under the token's {@code kid}. A PEM key makes the deployment RS256 only, as before;
 * a JWK Set may stand beside a secret, so a platform can move from HS256 to RS256 without a cut-over.
 *
 * @param secret       the HS256 secret, or null
 * @param publicKeyPem the RS256 public key, an X.509 {@code PUBLIC KEY} PEM, or null
 * @param jwks         where the RS256 keys by {@code kid} are published, or null
 * @param rules        issuer, audience, lifetime and clock skew every token must satisfy
 * @param generated    the secret was made up for this run (demo mode): nobody else can know it
 */
public record JwtConfig(String secret, String publicKeyPem, JwksSource jwks, TokenRules rules, boolean generated) {

    public static final String HS256 = "HS256";
    public static final String RS256 = "RS256";
    public static final int MIN_SECRET_BYTES = 32;
    /** Below this an RSA key can be factored by a determined attacker (NIST SP 800-131A). */
    public static final int MIN_RSA_BITS = 2048;

    public JwtConfig {
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new ConfigException("RAIN_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (publicKeyPem != null) {
            rsaPublicKey(publicKeyPem);
        }
        if (publicKeyPem != null && (secret != null || jwks != null)) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY is the one key of an RS256-only deployment: not with "
                + "RAIN_JWT_SECRET or a JWK Set");
        }
        if (secret == null && publicKeyPem == null && jwks == null) {
            throw new ConfigException("tokens need a key: RAIN_JWT_SECRET (HS256), RAIN_JWT_PUBLIC_KEY (RS256) "
                + "or RAIN_JWT_JWKS_FILE / RAIN_JWT_JWKS_URL (RS256 by kid)");
        }
        if (rules == null) {
            throw new ConfigException("the token rules are required");
        }
    }

    /** HS256 with {@code secret}, the default rules. */
    public static JwtConfig hs256(String secret) {
        return new JwtConfig(secret, null, null, TokenRules.defaults(), false);
    }

    /** RS256 with the one key {@code publicKeyPem}, the default rules. */
    public static JwtConfig rs256(String publicKeyPem) {
        return new JwtConfig(null, publicKeyPem, null, TokenRules.defaults(), false);
    }

    /** The {@code alg} values a token may carry: those of the keys configured, nothing else. */
    public Set<String> algorithms() {
        Set<String> algorithms = new TreeSet<>();
        if (secret != null) {
            algorithms.add(HS256);
        }
        if (publicKeyPem != null || jwks != null) {
            algorithms.add(RS256);
        }
        return Collections.unmodifiableSet(algorithms);
    }

    static JwtConfig fromEnv(Env env, boolean demo) {
        String algorithm = env.string("RAIN_JWT_ALGORITHM", HS256);
        String secret = env.string("RAIN_JWT_SECRET", null);
        String pem = publicKey(env);
        JwksSource jwks = JwksSource.fromEnv(env);
        TokenRules rules = TokenRules.fromEnv(env, demo);
        if (!HS256.equals(algorithm) && !RS256.equals(algorithm)) {
            throw new ConfigException("RAIN_JWT_ALGORITHM must be HS256 or RS256, was '" + algorithm + "'");
        }
        if (pem != null && jwks != null) {
            throw new ConfigException("set RAIN_JWT_PUBLIC_KEY or a JWK Set (RAIN_JWT_JWKS_FILE / RAIN_JWT_JWKS_URL), "
                + "not both: one source of RS256 keys");
        }
        if (RS256.equals(algorithm)) {
            return rs256FromEnv(secret, pem, jwks, rules, demo);
        }
        if (pem != null) {
            throw new ConfigException("RAIN_JWT_PUBLIC_KEY is set but RAIN_JWT_ALGORITHM is HS256: set "
                + "RAIN_JWT_ALGORITHM=RS256 to verify with the key");
        }
        if (secret == null && demo) {
            return new JwtConfig(generatedSecret(), null, jwks, rules, true);
        }
        if (secret == null && jwks == null) {
            throw new ConfigException("RAIN_JWT_SECRET is required (at least " + MIN_SECRET_BYTES
                + " bytes), or RAIN_JWT_JWKS_FILE / RAIN_JWT_JWKS_URL for RS256 keys; set RAIN_DEMO_MODE=true to "
                + "try the service locally with a generated secret");
        }
        return new JwtConfig(secret, null, jwks, rules, false);
    }

    private static JwtConfig rs256FromEnv(String secret, String pem, JwksSource jwks, TokenRules rules, boolean demo) {
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
        if (pem == null && jwks == null) {
            throw new ConfigException("RAIN_JWT_ALGORITHM=RS256 needs RAIN_JWT_PUBLIC_KEY (PEM text), "
                + "RAIN_JWT_PUBLIC_KEY_FILE, RAIN_JWT_JWKS_FILE or RAIN_JWT_JWKS_URL");
        }
        return new JwtConfig(null, pem, jwks, rules, false);
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
        return "JwtConfig[" + String.join("+", algorithms()) + (generated ? ", generated" : "")
            + (jwks != null ? ", " + jwks : "") + ", " + rules + "]";
    }
}
