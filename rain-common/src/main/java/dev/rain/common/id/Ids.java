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

    public static boolean isUserId(String s) {
        return s != null && USER_ID.matcher(s).matches();
    }

    public static boolean isRoomId(String s) {
        return s != null && ROOM_ID.matcher(s).matches();
    }

    public static boolean isConfigCode(String s) {
        return s != null && CONFIG_CODE.matcher(s).matches();
    }
}
