package com.esimorders.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.apache.camel.Header;

/**
 * The operator API's bearer token ({@code Authorization: Bearer <ESIM_OPS_TOKEN>}). Compared in constant time over
 * SHA-256 digests, so neither the content nor the length of the token leaks through timing. An empty configured
 * token accepts nothing (and the API's routes are not even created).
 */
public final class OpsToken {

    private static final String SCHEME = "bearer ";

    private final byte[] expectedDigest;

    public OpsToken(String token) {
        this.expectedDigest = token == null || token.isEmpty() ? null : digest(token);
    }

    /** True when the request does not carry the configured token (it then gets 401). */
    public boolean rejects(@Header("Authorization") String authorization) {
        String given = "";
        if (authorization != null && authorization.length() > SCHEME.length()
                && authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            given = authorization.substring(SCHEME.length()).trim();
        }
        byte[] givenDigest = digest(given);
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
