package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
import java.util.regex.Pattern;

/**
 * What a correctly signed token must also satisfy beyond the contract's claims.
 *
 * @param issuer             the exact {@code iss} required, or null to take any
 * @param audience           a value the token's {@code aud} (string or array) must contain, or null to take any
 * @param maxLifetimeSeconds the longest {@code exp - iat}, and the furthest {@code exp} from now: a leaked
 *                           token is useful for this long at most, however the issuer set its expiry
 * @param clockSkewSeconds   how far the issuer's clock may differ from ours for {@code exp}, {@code nbf}
 *                           and {@code iat}
 */
public record TokenRules(String issuer, String audience, long maxLifetimeSeconds, int clockSkewSeconds) {

    /** A day: as long as the longest token this project mints (demo mode and {@code ./rainctl token}). */
    public static final long DEFAULT_MAX_LIFETIME_SECONDS = 86_400;
    /** Enough for NTP-synced hosts that drift a little; RFC 7519 4.1.4 suggests a few minutes at most. */
    public static final int DEFAULT_CLOCK_SKEW_SECONDS = 30;
    /** One claim value: printable, no spaces or commas (a list in the variable would never match). */
    private static final Pattern CLAIM_VALUE = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]{1,256}");

    public TokenRules {
        if (maxLifetimeSeconds < 1 || clockSkewSeconds < 0) {
            throw new ConfigException("the token lifetime must be positive and the clock skew not negative");
        }
    }

    public static TokenRules defaults() {
        return new TokenRules(null, null, DEFAULT_MAX_LIFETIME_SECONDS, DEFAULT_CLOCK_SKEW_SECONDS);
    }

    static TokenRules fromEnv(Env env, boolean demo) {
        TokenRules rules = new TokenRules(
            claimValue(env, "RAIN_JWT_ISSUER"),
            claimValue(env, "RAIN_JWT_AUDIENCE"),
            env.number("RAIN_JWT_MAX_LIFETIME_SECONDS", DEFAULT_MAX_LIFETIME_SECONDS, 60, 30L * 86_400),
            env.integer("RAIN_JWT_CLOCK_SKEW_SECONDS", DEFAULT_CLOCK_SKEW_SECONDS, 0, 300));
        if (demo && rules.maxLifetimeSeconds < DEFAULT_MAX_LIFETIME_SECONDS) {
            // Demo mode prints a 24 h token and a way to mint more: under a shorter bound none would work.
            throw new ConfigException("RAIN_JWT_MAX_LIFETIME_SECONDS below " + DEFAULT_MAX_LIFETIME_SECONDS
                + " refuses the 24 h tokens RAIN_DEMO_MODE prints");
        }
        return rules;
    }

    private static String claimValue(Env env, String name) {
        String value = env.string(name, null);
        if (value != null && !CLAIM_VALUE.matcher(value).matches()) {
            throw new ConfigException(name + " must be one value of 1 to 256 printable characters without spaces "
                + "or commas (the token's claim must equal it), was '" + value + "'");
        }
        return value;
    }
}
