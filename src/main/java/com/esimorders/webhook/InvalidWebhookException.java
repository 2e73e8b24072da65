package com.esimorders.webhook;

/** A webhook body we cannot apply (the message names the field): kept raw in quarantine with this reason. */
public class InvalidWebhookException extends RuntimeException {

    public InvalidWebhookException(String message) {
        super(message);
    }
}
