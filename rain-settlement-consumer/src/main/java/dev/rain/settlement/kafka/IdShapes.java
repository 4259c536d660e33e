package dev.rain.settlement.kafka;

import dev.rain.common.id.Ids;

/**
 * The checks of {@link Ids}' patterns as plain loops: four regex matches a record were about 5 % of the
 * consumer's CPU. Each method accepts exactly what its pattern accepts (ClaimDecoderEquivalenceTest holds them to
 * it); the patterns stay the definition.
 */
final class IdShapes {

    private static final int MAX_ID_LENGTH = 64;
    private static final int CONFIG_CODE_LENGTH = 22;
    private static final int MAX_INDEX_DIGITS = 9;

    private IdShapes() {
    }

    /** {@link Ids#USER_ID} (and {@link Ids#ROOM_ID}, the same alphabet): {@code [A-Za-z0-9_.:-]{1,64}}. */
    static boolean isUserOrRoomId(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isBase64UrlChar(c) && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }

    /** {@link Ids#CONFIG_CODE}: {@code [A-Za-z0-9_-]{22}}. */
    static boolean isConfigCode(String s) {
        if (s == null || s.length() != CONFIG_CODE_LENGTH) {
            return false;
        }
        for (int i = 0; i < CONFIG_CODE_LENGTH; i++) {
            if (!isBase64UrlChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
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

    private static boolean isBase64UrlChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
