package com.esimorders.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.camel.Header;

/**
 * The secret path segment of the webhook URL. Compared in constant time over SHA-256 digests, so that neither the
 * content nor the length of the configured token leaks through response timing. An empty token accepts nothing.
 */
public final class WebhookToken {

    private final byte[] expectedDigest;

    public WebhookToken(String token) {
        this.expectedDigest = token == null || token.isEmpty() ? null : digest(token);
    }

    /** True when the given path segment is not the configured token (the request then gets 404). */
    public boolean rejects(@Header("token") String given) {
        byte[] givenDigest = digest(given == null ? "" : given);
        return expectedDigest == null || !MessageDigest.isEqual(expectedDigest, givenDigest);
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
