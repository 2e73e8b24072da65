package com.esimorders.webhook;

import com.esimorders.SecretToken;
import org.apache.camel.Header;

/** The secret path segment of the webhook URL; an empty token accepts nothing. */
public final class WebhookToken {

    private final SecretToken token;

    public WebhookToken(String token) {
        this.token = new SecretToken(token);
    }

    /** True when the given path segment is not the configured token (the request then gets 404). */
    public boolean rejects(@Header("token") String given) {
        return !token.matches(given);
    }
}
