package com.esimorders.ops;

import com.esimorders.Json;
import com.esimorders.order.OrderStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Reads and checks what an operator asks for (path and query parameters, the resend body) against the current
 * state, before a route acts on it. Each check answers what the route needs, or throws an {@link OpsProblem} that
 * the ops-api route configuration turns into the HTTP answer.
 */
public class OpsChecks {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** The same rule as the intake's customer email: one plain address, nothing that could add a recipient. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\".]+");
    private static final int MAX_EMAIL_LENGTH = 320;

    private final OpsQueries queries;

    public OpsChecks(OpsQueries queries) {
        this.queries = queries;
    }

    /** GET /ops/orders/{id} */
    public OpsQueries.OrderView order(@Header("id") String id) {
        OpsQueries.OrderView order = queries.order(id);
        if (order == null) {
            throw new OpsProblem.NotFound("no order with external_order_id " + id);
        }
        return order;
    }

    /** GET /ops/orders?status=&since=&limit=&cursor= */
    public OpsQueries.OrderPage orders(@Header("status") String status, @Header("since") String since,
            @Header("limit") String limit, @Header("cursor") String cursor) {
        String wanted = blank(status) ? null : status.trim().toUpperCase(Locale.ROOT);
        if (wanted != null && Arrays.stream(OrderStatus.values()).noneMatch(s -> s.name().equals(wanted))) {
            throw new OpsProblem.BadRequest("status must be one of " + Arrays.toString(OrderStatus.values()));
        }
        return queries.orders(wanted, since(since), limit(limit), blank(cursor) ? null : OpsQueries.Cursor.decode(cursor));
    }

    /** GET /ops/overdue?limit= (at most, and by default, {@value #MAX_LIMIT}: the oldest first) */
    public List<OpsQueries.Overdue> overdue(@Header("limit") String limit) {
        return queries.overdue(blank(limit) ? MAX_LIMIT : limit(limit));
    }

    /** GET /ops/quarantine?all=&limit= */
    public List<OpsQueries.Quarantined> quarantine(@Header("all") String all, @Header("limit") String limit) {
        return queries.quarantine("true".equalsIgnoreCase(all), limit(limit));
    }

    /**
     * POST /ops/orders/{id}/replay[?confirm=true]: answers whether a REJECTED order is replayed (the exchange
     * property esimReplayRejected of replay-order). FAILED orders are replayed; REJECTED ones only when confirmed.
     */
    public boolean replayRejected(@Header("id") String id, @Header("confirm") String confirm) {
        Map<String, Object> order = queries.orderState(id);
        if (order == null) {
            throw new OpsProblem.NotFound("no order with external_order_id " + id);
        }
        String status = (String) order.get("status");
        if (OrderStatus.FAILED.name().equals(status)) {
            return false;
        }
        if (OrderStatus.REJECTED.name().equals(status)) {
            if ("true".equalsIgnoreCase(confirm)) {
                return true;
            }
            Object error = order.get("last_error");
            throw new OpsProblem.Conflict("order " + id + " is REJECTED: the provider refused it"
                    + (error == null ? "" : " (" + error.toString().replace('\n', ';') + ")")
                    + ". Sent again with the same external_order_id it may be refused again, or bought if the cause"
                    + " is gone: add ?confirm=true to replay it anyway");
        }
        throw new OpsProblem.Conflict("order " + id + " is " + status + ": only FAILED orders (and REJECTED ones, with"
                + " confirmation) can be replayed"
                + (OrderStatus.ACCEPTED.name().equals(status) || OrderStatus.COMPLETED.name().equals(status)
                        ? "; the provider already took it" : "; it is still being sent"));
    }

    /**
     * POST /ops/emails/{topup_id}/resend with an optional body {"to": "new@address"}: answers the new recipient, or
     * null to keep the current one.
     */
    public String resendRecipient(@Header("topup_id") String topupId, @Body String body) {
        String to = newRecipient(body);
        if (!queries.esimKnown(topupId)) {
            throw new OpsProblem.NotFound("no eSIM with topup_id " + topupId);
        }
        if (queries.email(topupId) == null) {
            throw new OpsProblem.Conflict("the eSIM of topup_id " + topupId + " has not been received yet: there is no"
                    + " email to send (see GET /ops/overdue)");
        }
        return to;
    }

    /** POST /ops/quarantine/{id}/apply: answers the id of a quarantined webhook that is not applied yet. */
    public long quarantineId(@Header("id") String id) {
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new OpsProblem.NotFound("no quarantined webhook with id " + id);
        }
        OpsQueries.Quarantined row = queries.quarantined(number);
        if (row == null) {
            throw new OpsProblem.NotFound("no quarantined webhook with id " + id);
        }
        if (row.appliedAt() != null) {
            throw new OpsProblem.Conflict("quarantined webhook " + id + " was already applied at " + row.appliedAt());
        }
        return number;
    }

    private static String newRecipient(String body) {
        if (blank(body)) {
            return null;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new OpsProblem.BadRequest("body must be empty or a JSON object such as {\"to\":\"new@address\"}");
        }
        if (json == null || !json.isObject()) {
            throw new OpsProblem.BadRequest("body must be empty or a JSON object such as {\"to\":\"new@address\"}");
        }
        JsonNode to = json.get("to");
        if (to == null || to.isNull()) {
            return null;
        }
        String address = to.isTextual() ? to.asText().trim() : "";
        if (address.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(address).matches()) {
            throw new OpsProblem.BadRequest("\"to\" must be one well-formed email address");
        }
        return address;
    }

    private static OffsetDateTime since(String since) {
        if (blank(since)) {
            return null;
        }
        try {
            // a "+" of an offset arrives as a space when the client did not encode it
            return OffsetDateTime.parse(since.trim().replace(' ', '+'));
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(since.trim()).atStartOfDay().atOffset(ZoneOffset.UTC);
            } catch (DateTimeParseException notADate) {
                throw new OpsProblem.BadRequest("since must be an ISO-8601 time such as 2025-01-31T00:00:00Z, or a date");
            }
        }
    }

    private static int limit(String limit) {
        if (blank(limit)) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new OpsProblem.BadRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
