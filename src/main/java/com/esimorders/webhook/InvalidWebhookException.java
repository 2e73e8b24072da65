package com.esimorders.webhook;

/** A webhook body we cannot apply (the message names the field): kept raw in quarantine with this reason. */
public class InvalidWebhookException extends RuntimeException {

    private final String field;

    public InvalidWebhookException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String getField() {
        return field;
    }
}
