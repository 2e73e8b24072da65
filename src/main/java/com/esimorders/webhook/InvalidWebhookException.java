package com.esimorders.webhook;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A webhook body we cannot read: answered 400 with a JSON error that names the field. */
public class InvalidWebhookException extends RuntimeException {

    private final String field;

    public InvalidWebhookException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String getField() {
        return field;
    }

    /** The 400 response body, e.g. {"error":"iccid is missing","field":"iccid"}. */
    public String getJson() {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error", getMessage());
        if (field != null) {
            error.put("field", field);
        }
        try {
            return Json.MAPPER.writeValueAsString(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
