package dev.rain.api;

import dev.rain.api.config.ApiConfig;
import dev.rain.api.http.Authenticator;
import java.util.Set;

/**
 * What the explicit local demo mode prints when it generated the JWT secret: a token to try the API with at
 * once, and how to mint more with the same secret. Never used when a secret or key is configured.
 */
final class DemoMode {

    static final String DEMO_USER = "demo-anchor";
    private static final long TOKEN_SECONDS = 24 * 3600;

    private DemoMode() {
    }

    static boolean applies(ApiConfig config) {
        return config.demoMode() && config.jwt().generated();
    }

    /** Logged at WARN on every start in demo mode, whatever the secret: says what anyone reaching the port gets. */
    static String warning(ApiConfig config) {
        return "DEMO MODE IS ON (RAIN_DEMO_MODE=true): on " + config.httpHost() + ":" + config.httpPort()
            + " anyone may mint viewer and anchor tokens (POST /demo/token) and top up wallets with play money"
            + " (POST /demo/deposits)" + (config.jwt().generated() ? ", and the JWT secret is generated and printed" : "")
            + ". /health/ready says \"demo\": true. Never run like this in production.";
    }

    static String instructions(ApiConfig config, Authenticator authenticator) {
        String token = authenticator.mint(DEMO_USER, Set.of("viewer", "anchor", "admin"), TOKEN_SECONDS);
        String host = "0.0.0.0".equals(config.httpHost()) ? "127.0.0.1" : config.httpHost();
        return String.join(System.lineSeparator(),
            "",
            "DEMO MODE: no RAIN_JWT_SECRET was set, so one was generated for this run only (it changes on restart).",
            "Never run like this in production.",
            "A 24 h token for " + DEMO_USER + " (viewer, anchor, admin):",
            "  " + token,
            "Try it:",
            "  curl -H 'Authorization: Bearer " + token + "' http://" + host + ":" + config.httpPort() + "/v1/wallets/me",
            "Mint tokens for other users and roles with the same secret:",
            "  RAIN_JWT_SECRET='" + config.jwt().secret() + "' ./rainctl token <userId> <viewer|anchor|admin|service[,...]>",
            "");
    }
}
