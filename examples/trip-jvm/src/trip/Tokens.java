package trip;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Bearer tokens "<user_id>.<nonce>.<HMAC-SHA256 hex>", checked without any stored state. */
final class Tokens {
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    Tokens(String secret) {
        key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    String issue(long userId) {
        byte[] nonce = new byte[8];
        random.nextBytes(nonce);
        String payload = userId + "." + HexFormat.of().formatHex(nonce);
        return payload + "." + sign(payload);
    }

    /** The user id a token was issued for, or -1 when it is not one of ours. */
    long userId(String token) {
        int last = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || last <= first) {
            return -1;
        }
        String payload = token.substring(0, last);
        byte[] given = token.substring(last + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, sign(payload).getBytes(StandardCharsets.US_ASCII))) {
            return -1;
        }
        try {
            return Long.parseLong(token.substring(0, first));
        } catch (NumberFormatException error) {
            return -1;
        }
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException error) {
            throw new IllegalStateException(error);
        }
    }
}
