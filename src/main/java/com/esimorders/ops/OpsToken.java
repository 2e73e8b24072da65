package com.esimorders.ops;

import com.esimorders.SecretToken;
import java.util.Locale;
import org.apache.camel.Header;

/**
 * The operator API's bearer token ({@code Authorization: Bearer <ESIM_OPS_TOKEN>}), compared in constant time. An
 * empty configured token accepts nothing (and the API's routes are not even created).
 */
public final class OpsToken {

    private static final String SCHEME = "bearer ";

    private final SecretToken token;

    public OpsToken(String token) {
        this.token = new SecretToken(token);
    }

    /** True when the request does not carry the configured token (it then gets 401). */
    public boolean rejects(@Header("Authorization") String authorization) {
        String given = "";
        if (authorization != null && authorization.length() > SCHEME.length()
                && authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            given = authorization.substring(SCHEME.length()).trim();
        }
        return !token.matches(given);
    }
}
