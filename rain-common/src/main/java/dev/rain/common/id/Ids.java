package dev.rain.common.id;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Identifiers that clients see: user ids, room ids, config codes and packet ids. */
public final class Ids {

    /** The contract's user id alphabet; it also keeps ids safe inside Redis keys and account names. */
    public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    public static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** 16 random bytes in URL-safe base64 without padding: 128 bits, 22 characters. */
    public static final Pattern CONFIG_CODE = Pattern.compile("[A-Za-z0-9_-]{22}");

    private static final int MAX_ID_LENGTH = 64;
    private static final int CONFIG_CODE_LENGTH = 22;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

    private Ids() {
    }

    /** A new config code: unguessable, so the code itself is the grab credential's first line of defence. */
    public static String newConfigCode() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return URL_SAFE.encodeToString(bytes);
    }

    public static String packetId(String configCode, int index) {
        return configCode + ':' + index;
    }

    public static String refundBizId(String configCode) {
        return configCode + ":refund";
    }

    public static String fundBizId(String configCode) {
        return configCode + ":fund";
    }

    public static String depositBizId(String reference) {
        return "deposit:" + reference;
    }

    public static String walletAccount(String userId) {
        return "wallet:" + userId;
    }

    public static String escrowAccount(String configCode) {
        return "escrow:" + configCode;
    }

    // The checks below accept exactly what the patterns above accept (IdsTest holds them to it; the patterns stay
    // the definition) as plain loops: every grab checks a code and a room id, and the two regex matches were
    // about 2.5 % of the API's CPU on a tap after a sell-out.

    public static boolean isUserId(String s) {
        return isWord(s, 1, MAX_ID_LENGTH, true);
    }

    public static boolean isRoomId(String s) {
        return isWord(s, 1, MAX_ID_LENGTH, true);
    }

    public static boolean isConfigCode(String s) {
        return isWord(s, CONFIG_CODE_LENGTH, CONFIG_CODE_LENGTH, false);
    }

    /** {@code min..max} characters of URL-safe base64's alphabet, and of {@code . :} when {@code dotsAndColons}. */
    private static boolean isWord(String s, int min, int max, boolean dotsAndColons) {
        if (s == null || s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean base64Url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-';
            if (!base64Url && !(dotsAndColons && (c == '.' || c == ':'))) {
                return false;
            }
        }
        return true;
    }
}
