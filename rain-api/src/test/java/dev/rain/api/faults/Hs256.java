package dev.rain.api.faults;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Mints HS256 tokens by hand, the way a platform's identity service would, independent of the API's own code. */
final class Hs256 {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Hs256() {
    }

    static String token(String secret, String userId, String role) {
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String header = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = B64.encodeToString(("{\"sub\":\"" + userId + "\",\"roles\":[\"" + role + "\"],\"exp\":" + exp + "}")
            .getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = B64.encodeToString(mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
            return header + "." + payload + "." + signature;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
