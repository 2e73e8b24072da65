package com.esimorders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A configured secret token (webhook path segment, operator bearer token), compared in constant time over SHA-256
 * digests, so that neither its content nor its length leaks through response timing. An empty token matches nothing.
 */
public final class SecretToken {

    private final byte[] expectedDigest;

    public SecretToken(String token) {
        this.expectedDigest = token == null || token.isEmpty() ? null : digest(token);
    }

    public boolean matches(String given) {
        return expectedDigest != null && MessageDigest.isEqual(expectedDigest, digest(given == null ? "" : given));
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
