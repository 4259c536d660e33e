package dev.rain.api.rain;

/** What a grab attempt came to. WON carries the packet; the rest carry nothing. */
public record GrabOutcome(Kind kind, String packetId, long amount) {

    public enum Kind {
        WON, SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED
    }

    public static final GrabOutcome SOLD_OUT = new GrabOutcome(Kind.SOLD_OUT, null, 0);
    public static final GrabOutcome LIMIT_REACHED = new GrabOutcome(Kind.LIMIT_REACHED, null, 0);
    public static final GrabOutcome NOT_STARTED = new GrabOutcome(Kind.NOT_STARTED, null, 0);
    public static final GrabOutcome ENDED = new GrabOutcome(Kind.ENDED, null, 0);

    public static GrabOutcome won(String packetId, long amount) {
        return new GrabOutcome(Kind.WON, packetId, amount);
    }
}
