package dev.rain.settlement.decode;

import dev.rain.common.id.Ids;

/**
 * The packet index in a claim's bizId, checked by a plain loop: the regex matches of a record were about 5 % of
 * the consumer's CPU (ids are checked by {@link Ids}' loops). ClaimDecoderEquivalenceTest holds it to its pattern.
 */
final class IdShapes {

    private static final int MAX_INDEX_DIGITS = 9;

    private IdShapes() {
    }

    /** A packet index as the relay writes it, {@code 0|[1-9][0-9]{0,8}}, in {@code s} from {@code from} on. */
    static boolean isPacketIndex(String s, int from) {
        int digits = s.length() - from;
        if (digits < 1 || digits > MAX_INDEX_DIGITS || (s.charAt(from) == '0' && digits > 1)) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
