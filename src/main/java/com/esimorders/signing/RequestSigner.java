package com.esimorders.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs partner API requests as eSIM Story documents: lowercase hex HMAC-SHA256 over
 * {@code METHOD\nPATH\nTIMESTAMP\nACCESS_KEY}, keyed with the Base64-decoded secret key.
 * PATH is the exact request path including the {@code /api} prefix of the base URL.
 */
public final class RequestSigner {

    private final String accessKey;
    private final byte[] secretKey;

    public RequestSigner(String accessKey, String base64SecretKey) {
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("access key is empty");
        }
        if (base64SecretKey == null || base64SecretKey.isBlank()) {
            throw new IllegalArgumentException("secret key is empty");
        }
        this.accessKey = accessKey;
        try {
            this.secretKey = Base64.getDecoder().decode(base64SecretKey.trim());
        } catch (IllegalArgumentException e) {
            // never echo the secret itself
            throw new IllegalArgumentException("secret key is not valid Base64", null);
        }
    }

    public String accessKey() {
        return accessKey;
    }

    public String sign(String method, String path, long unixSeconds) {
        return signature(secretKey, method, path, unixSeconds, accessKey);
    }

    /** Shared with the sandbox simulator, which verifies with the secret it keeps per partner. */
    public static String signature(byte[] secret, String method, String path, long unixSeconds, String accessKey) {
        String canonical = method + "\n" + path + "\n" + unixSeconds + "\n" + accessKey;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
