package dev.rain.api.rain;

/**
 * What a grab attempt came to. WON carries the packet, RATE_LIMITED how long the viewer must wait; the
 * rest carry nothing.
 */
public record GrabOutcome(Kind kind, String packetId, long amount, long retryAfterMicros) {

    public enum Kind {
        WON, SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED, RATE_LIMITED
    }

    public static final GrabOutcome SOLD_OUT = new GrabOutcome(Kind.SOLD_OUT, null, 0, 0);
    public static final GrabOutcome LIMIT_REACHED = new GrabOutcome(Kind.LIMIT_REACHED, null, 0, 0);
    public static final GrabOutcome NOT_STARTED = new GrabOutcome(Kind.NOT_STARTED, null, 0, 0);
    public static final GrabOutcome ENDED = new GrabOutcome(Kind.ENDED, null, 0, 0);

    public static GrabOutcome won(String packetId, long amount) {
        return new GrabOutcome(Kind.WON, packetId, amount, 0);
    }

    public static GrabOutcome rateLimited(long retryAfterMicros) {
        return new GrabOutcome(Kind.RATE_LIMITED, null, 0, retryAfterMicros);
    }
}
