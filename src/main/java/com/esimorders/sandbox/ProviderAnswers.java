package com.esimorders.sandbox;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;

/**
 * Every answer the simulated provider gives, with the texts of the provider's documentation (DESIGN.md). The
 * validation texts the documentation only lists by case are worded as the provider's other messages are.
 */
final class ProviderAnswers {

    static final String MISSING_HEADERS = "Missing required authentication headers.";
    static final String INVALID_ACCESS_KEY =
            "Invalid or missing access key. Please provide a valid X-Esim-Story-Access-Key header.";
    static final String INVALID_SIGNATURE = "Invalid signature.";
    static final String TIMESTAMP_INVALID = "Request timestamp is too old or invalid.";
    static final String MISSING_SECRET = "Missing secret key in partner record.";

    static final String EXTERNAL_ORDER_ID_BLANK = "External order id can't be blank";
    static final String EXTERNAL_ORDER_ID_TOO_LONG = "External order id is too long (maximum is 100 characters)";
    static final String EXTERNAL_ORDER_ID_TAKEN = "External order id has already been taken";
    static final String PRODUCTS_BLANK = "Products can't be blank";
    static final String PRODUCTS_INVALID = "Products is invalid";
    static final String OPTION_ID_BLANK = "Option id can't be blank";
    static final String QTY_BLANK = "Qty can't be blank";
    static final String QTY_NOT_POSITIVE_INTEGER = "Qty must be a positive integer";
    static final String QTY_TOO_LARGE = "Qty must be less than or equal to " + SandboxProvider.MAX_QTY;
    static final String OPTION_NOT_FOUND = "Product with option_id not found";
    static final String ESIM_REQUEST_FAILED = "eSIM Request failed - Status: 503, Message: Service Unavailable";

    /** One HTTP answer; {@code retryAfterSeconds} is 0 when there is no Retry-After header. */
    record Answer(int status, String json, int retryAfterSeconds, boolean dropConnection) {
    }

    /** The 401 detail, fields in the documented order. */
    private record Unauthorized(String code, String message) {
    }

    private ProviderAnswers() {
    }

    static Answer ok(Object body) {
        return new Answer(200, json(body), 0, false);
    }

    static Answer dropConnection() {
        return new Answer(0, "", 0, true);
    }

    static Answer invalidJson() {
        return new Answer(400, json(Map.of("error", "Invalid JSON format")), 0, false);
    }

    static Answer unauthorized(String message) {
        return new Answer(401, json(Map.of("error", new Unauthorized("unauthorized", message))), 0, false);
    }

    static Answer unprocessable(List<String> errors) {
        return new Answer(422, json(Map.of("errors", errors)), 0, false);
    }

    static Answer rateLimited(int retryAfterSeconds) {
        return new Answer(429, json(Map.of("error", "Too many requests")), retryAfterSeconds, false);
    }

    static Answer internalError() {
        return new Answer(500, json(Map.of("error", "Internal server error")), 0, false);
    }

    static Answer unavailable() {
        return new Answer(503, json(Map.of("error", "Service unavailable")), 0, false);
    }

    private static String json(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
