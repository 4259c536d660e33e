package dev.rain.api.config;

import dev.rain.common.config.ConfigException;
import dev.rain.common.config.Env;
import io.netty.util.NetUtil;
import java.net.InetAddress;

/**
 * Demo mode hands out tokens and play money to anyone who asks; it may listen only where nobody else can
 * reach it, unless an operator says in so many words that it may (a shared demo machine, a container).
 */
final class DemoBinding {

    static final String ALLOW = "RAIN_DEMO_ALLOW_NON_LOOPBACK";

    private DemoBinding() {
    }

    static void check(Env env, boolean demo, String httpHost) {
        if (demo && !isLoopback(httpHost) && !env.flag(ALLOW, false)) {
            throw new ConfigException("RAIN_DEMO_MODE=true mints tokens and money for anyone who can reach it, so it"
                + " listens only on a loopback address: RAIN_HTTP_HOST is '" + httpHost + "'. Set RAIN_HTTP_HOST=127.0.0.1,"
                + " or " + ALLOW + "=true if this machine is meant to be reachable, or turn demo mode off.");
        }
    }

    /** Only literal loopback addresses and "localhost": no name is looked up, so no resolver can be lied to. */
    static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        return literal != null && literal.isLoopbackAddress();
    }
}
