package dev.rain.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints HS256 tokens of distinct users with the API's configured secret, one per line, the way
 * {@code rainctl token} does but fast enough for tens of thousands (no process per token).
 *
 * <p>Usage: {@code Tokens <secret-file> <user-prefix> <count> <role> <out-file>}; users are
 * {@code <prefix>0 .. <prefix>(count-1)}, valid for a day.
 */
public final class Tokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Tokens() {
    }

    public static void main(String[] args) throws Exception {
        String secret = Files.readString(Path.of(args[0])).trim();
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        String role = args[3];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        long exp = System.currentTimeMillis() / 1000 + 86_400;
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[4]))) {
            for (int i = 0; i < count; i++) {
                String payload = b64("{\"sub\":\"" + prefix + i + "\",\"roles\":[\"" + role + "\"],\"exp\":" + exp + "}");
                String signingInput = header + '.' + payload;
                String signature = B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
                out.write(signingInput + '.' + signature);
                out.newLine();
            }
        }
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
