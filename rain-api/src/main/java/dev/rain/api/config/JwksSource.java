package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the RS256 keys are published, as a JWK Set: a file (re-read) or a URL (re-fetched) when a token
 * names a {@code kid} not seen yet, at most once per {@code refreshSeconds}, so keys can rotate without a
 * restart while a stream of made-up kids cannot turn the API into a fetch amplifier.
 *
 * @param file           the key set file, or null
 * @param url            the key set URL (https, or http to a loopback address), or null
 * @param refreshSeconds the least time between two loads
 */
public record JwksSource(Path file, URI url, int refreshSeconds) {

    public static final int DEFAULT_REFRESH_SECONDS = 30;
    private static final Pattern LOOPBACK = Pattern.compile("localhost|127(\\.\\d{1,3}){3}|\\[::1]");

    public JwksSource {
        if ((file == null) == (url == null)) {
            throw new ConfigException("a JWK Set comes from one file or one URL");
        }
    }

    /** The configured source, or null when neither variable is set. */
    static JwksSource fromEnv(Env env) {
        String file = env.string("RAIN_JWT_JWKS_FILE", null);
        String url = env.string("RAIN_JWT_JWKS_URL", null);
        if (file == null && url == null) {
            return null;
        }
        int refresh = env.integer("RAIN_JWT_JWKS_REFRESH_SECONDS", DEFAULT_REFRESH_SECONDS, 1, 3_600);
        if (file != null && url != null) {
            throw new ConfigException("set RAIN_JWT_JWKS_FILE or RAIN_JWT_JWKS_URL, not both");
        }
        return file != null ? new JwksSource(readableFile(file), null, refresh) : new JwksSource(null, keysUrl(url), refresh);
    }

    /** Read and checked now, so a wrong path or document stops the start-up with its name. */
    private static Path readableFile(String name) {
        Path path = Path.of(name);
        String text;
        try {
            if (Files.size(path) > JwksDocument.MAX_BYTES) {
                throw new ConfigException("RAIN_JWT_JWKS_FILE is larger than " + JwksDocument.MAX_BYTES + " bytes");
            }
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException("RAIN_JWT_JWKS_FILE cannot be read: " + e.getMessage());
        }
        JwksDocument.rs256Keys(text, "RAIN_JWT_JWKS_FILE");
        return path;
    }

    /** Keys fetched in clear text could be swapped by anyone on the path; only loopback may skip TLS. */
    private static URI keysUrl(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException("RAIN_JWT_JWKS_URL is not a URL: " + e.getMessage());
        }
        String host = url.getHost();
        if (host == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()) && LOOPBACK.matcher(host).matches())) {
            throw new ConfigException("RAIN_JWT_JWKS_URL must be an https:// URL (http:// only to a loopback "
                + "address), was '" + text + "'");
        }
        return url;
    }

    @Override
    public String toString() {
        return file != null ? "JWKS file " + file : "JWKS " + url;
    }
}
