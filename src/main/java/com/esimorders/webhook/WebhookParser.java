package com.esimorders.webhook;

import com.esimorders.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.ExchangeProperty;

/**
 * Reads a provider webhook into the parameter map of the SQL steps (snake_case keys, as in the payload), plus the
 * raw body under {@code payload}. Lenient with what is harmless: a number where a string was expected, extra
 * fields, a null, missing or blank optional field ({@code qrcode_img_url}, {@code expired_date}: read as null), a
 * {@code qrcode_img_url} longer than its column (read as null: the application does not use it, and the raw body keeps
 * it in {@code webhook_events}). Anything else cannot be applied and is refused with an
 * {@link InvalidWebhookException} naming the field: the route keeps such a webhook raw in quarantine. {@code topup_id}
 * must be 1 to 26 digits before it goes anywhere (it reaches a mail header).
 */
public final class WebhookParser {

    private static final Pattern TOPUP_ID = Pattern.compile("[0-9]{1,26}");

    /** Required field name and the length of its database column. */
    private static final Map<String, Integer> REQUIRED = new LinkedHashMap<>();
    /** The length of the esim_items.qrcode_img_url column. */
    private static final int QRCODE_IMG_URL_LENGTH = 1000;

    static {
        REQUIRED.put("topup_id", 26);
        REQUIRED.put("external_order_id", 100);
        REQUIRED.put("option_id", 100);
        REQUIRED.put("iccid", 32);
        REQUIRED.put("smdp", 255);
        REQUIRED.put("activate_code", 255);
        REQUIRED.put("download_link", 1000);
    }

    public Map<String, Object> parse(String body) {
        JsonNode json = object(body);
        Map<String, Object> webhook = new LinkedHashMap<>();
        REQUIRED.forEach((field, maxLength) -> webhook.put(field, required(json, field, maxLength)));
        String qrcode = optional(json, "qrcode_img_url");
        webhook.put("qrcode_img_url", qrcode == null || qrcode.length() > QRCODE_IMG_URL_LENGTH ? null : qrcode);
        if (!TOPUP_ID.matcher((String) webhook.get("topup_id")).matches()) {
            throw new InvalidWebhookException("topup_id must be 1 to 26 digits");
        }
        String expiry = optional(json, "expired_date");
        try {
            webhook.put("expired_date", expiry == null ? null : LocalDate.parse(expiry));
        } catch (DateTimeParseException e) {
            throw new InvalidWebhookException("expired_date must be a date as yyyy-MM-dd");
        }
        webhook.put("payload", body);
        return webhook;
    }

    /**
     * The quarantine row of a webhook that {@link #parse} refused: the reason, the raw body, and its topup_id and
     * external_order_id where they can be read (for the log and for an operator), else null.
     */
    public Map<String, Object> quarantineRow(@ExchangeProperty("raw") String body,
            @ExchangeProperty("verdict") WebhookVerdict verdict) {
        String reason = verdict.reason();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("reason", reason.length() > 500 ? reason.substring(0, 500) : reason);
        row.put("topup_id", null);
        row.put("external_order_id", null);
        try {
            JsonNode json = object(body);
            row.put("topup_id", readable(json.get("topup_id")));
            row.put("external_order_id", readable(json.get("external_order_id")));
        } catch (InvalidWebhookException unreadable) {
            // not an object: nothing to identify it by
        }
        // a NUL byte (not valid JSON, so it lands here) would make PostgreSQL refuse the row and the webhook get 503
        row.put("payload", body == null ? "" : body.replace("\0", "\\u0000"));
        return row;
    }

    private static JsonNode object(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidWebhookException("body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new InvalidWebhookException("body must be a JSON object");
        }
        return json;
    }

    private static String required(JsonNode json, String field, int maxLength) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidWebhookException(field + " is missing");
        }
        String value = text(node, field);
        if (value.isEmpty()) {
            throw new InvalidWebhookException(field + " must be a non-empty string");
        }
        if (value.length() > maxLength) {
            throw new InvalidWebhookException(field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    /** The field's text, or null when it is missing, null or blank (as if missing). */
    private static String optional(JsonNode json, String field) {
        JsonNode node = json.get(field);
        String value = node == null || node.isNull() ? "" : text(node, field);
        return value.isEmpty() ? null : value;
    }

    /** The field's {@link #scalar}, refused when it is not a string or a whole number, or holds NUL. */
    private static String text(JsonNode node, String field) {
        String value = scalar(node);
        if (value == null) {
            throw new InvalidWebhookException(field + " must be a non-empty string");
        }
        if (value.indexOf('\0') >= 0) {
            // "\u0000" in the JSON: PostgreSQL cannot store it, and no field of an eSIM has one
            throw new InvalidWebhookException(field + " contains a NUL character");
        }
        return value;
    }

    /** A short scalar for a quarantine column (up to 100 characters), or null. */
    private static String readable(JsonNode node) {
        String value = node == null ? null : scalar(node);
        return value == null || value.isEmpty() || value.length() > 100 || value.indexOf('\0') >= 0 ? null : value;
    }

    /**
     * The trimmed text of a string; a whole number where a string was expected (a topup_id sent as a number) is read
     * as its digits; null for anything else.
     */
    private static String scalar(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        return node.isTextual() ? node.asText().trim() : null;
    }
}
