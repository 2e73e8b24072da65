package com.esimorders.webhook;

import com.esimorders.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a provider webhook into the parameter map of the SQL steps (snake_case keys, as in the payload), plus the
 * raw body under {@code payload}. Every field we store is required, a string, and no longer than its column.
 * {@code qrcode_img_url} is optional: the email's QR code is generated locally from {@code download_link}.
 */
public final class WebhookParser {

    /** Field name and the length of its database column. */
    private static final Map<String, Integer> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("topup_id", 26);
        REQUIRED.put("external_order_id", 100);
        REQUIRED.put("option_id", 100);
        REQUIRED.put("iccid", 32);
        REQUIRED.put("smdp", 255);
        REQUIRED.put("activate_code", 255);
        REQUIRED.put("download_link", 1000);
        REQUIRED.put("expired_date", 10);
    }

    public Map<String, Object> parse(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidWebhookException(null, "body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidWebhookException(null, "body must be a JSON object");
        }
        Map<String, Object> webhook = new LinkedHashMap<>();
        REQUIRED.forEach((field, maxLength) -> webhook.put(field, text(json, field, maxLength, true)));
        webhook.put("qrcode_img_url", text(json, "qrcode_img_url", 1000, false));
        try {
            webhook.put("expired_date", LocalDate.parse((String) webhook.get("expired_date")));
        } catch (DateTimeParseException e) {
            throw new InvalidWebhookException("expired_date", "expired_date must be a date as yyyy-MM-dd");
        }
        webhook.put("payload", body);
        return webhook;
    }

    private static String text(JsonNode json, String field, int maxLength, boolean required) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new InvalidWebhookException(field, field + " is missing");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidWebhookException(field, field + " must be a non-empty string");
        }
        String value = node.asText().trim();
        if (value.length() > maxLength) {
            throw new InvalidWebhookException(field, field + " is longer than " + maxLength + " characters");
        }
        return value;
    }
}
