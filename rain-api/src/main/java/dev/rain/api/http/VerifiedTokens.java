package dev.rain.api.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens this instance has already verified, until their {@code exp}: a viewer taps many times in a
 * rain with the same token, and checking its signature and claims again on every tap was a visible
 * share of the grab path's CPU. Keyed by the whole token, signature included, so only the exact string
 * that passed every check once is taken on trust, and never past its expiry. Bounded: past
 * {@code capacity} entries it starts over, which costs only re-verification.
 */
final class VerifiedTokens {

    private record Entry(Caller caller, long expiresAtMillis) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;

    VerifiedTokens(int capacity) {
        this.capacity = capacity;
    }

    /** The caller of a token verified earlier and not yet expired, or null. */
    Caller get(String token, long nowMillis) {
        Entry entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (nowMillis >= entry.expiresAtMillis) {
            entries.remove(token, entry);
            return null;
        }
        return entry.caller;
    }

    void put(String token, Caller caller, long expiresAtMillis) {
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(token, new Entry(caller, expiresAtMillis));
    }

    int size() {
        return entries.size();
    }
}
