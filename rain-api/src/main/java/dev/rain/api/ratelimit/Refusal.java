package dev.rain.api.ratelimit;

/**
 * A limit said no: which one ({@code ip}, {@code unknown_code} or {@code grab}, as the metrics tag it) and how many
 * whole seconds to wait before trying again, as {@code Retry-After} wants them.
 */
public record Refusal(String limit, long retryAfterSeconds) {

    public static final String ADDRESS = "ip";
    public static final String UNKNOWN_CODE = "unknown_code";
    public static final String GRAB = "grab";
}
