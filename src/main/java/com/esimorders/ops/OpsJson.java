package com.esimorders.ops;

import com.esimorders.Json;
import com.esimorders.order.OrderOutcome;
import com.esimorders.webhook.WebhookVerdict;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes the operator API's answers: JSON (snake_case, nulls kept), never cached, with no inbound header echoed.
 */
public class OpsJson {

    private static final ObjectMapper MAPPER = Json.MAPPER.copy().setSerializationInclusion(JsonInclude.Include.ALWAYS);

    /** 200 with the body as JSON. */
    public void ok(Exchange exchange) throws JsonProcessingException {
        respond(exchange.getMessage(), 200, exchange.getMessage().getBody());
    }

    /** 200 with an order's outcome (replay). */
    public void outcome(Exchange exchange) throws JsonProcessingException {
        OrderOutcome outcome = exchange.getMessage().getBody(OrderOutcome.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("external_order_id", outcome.externalOrderId());
        body.put("status", outcome.status());
        body.put("topup_ids", outcome.topupIds());
        body.put("errors", outcome.errors());
        respond(exchange.getMessage(), 200, body);
    }

    /** 200 with a quarantined webhook (the body) applied, and the outcome (exchange property verdict). */
    public void applied(Exchange exchange) throws JsonProcessingException {
        OpsQueries.Quarantined row = exchange.getMessage().getBody(OpsQueries.Quarantined.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", exchange.getProperty("verdict", WebhookVerdict.class).event().toLowerCase(Locale.ROOT));
        body.put("id", row.id());
        body.put("topup_id", row.topupId());
        body.put("external_order_id", row.externalOrderId());
        body.put("received_at", row.receivedAt());
        body.put("applied_at", row.appliedAt());
        respond(exchange.getMessage(), 200, body);
    }

    /** 401 {"error":"unauthorized"}: nothing else is revealed. */
    public void unauthorized(Exchange exchange) throws JsonProcessingException {
        respond(exchange.getMessage(), 401, Map.of("error", "unauthorized"));
        exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
    }

    /** The answer of an {@link OpsProblem} (the exception the route caught). */
    public void problem(Exchange exchange) throws JsonProcessingException {
        OpsProblem problem = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, OpsProblem.class);
        respond(exchange.getMessage(), problem.getStatus(), Map.of("error", problem.getMessage()));
    }

    /** 500 without details (they are in the log). */
    public void failed(Exchange exchange) throws JsonProcessingException {
        respond(exchange.getMessage(), 500, Map.of("error", "internal error"));
    }

    static void respond(Message message, int status, Object body) throws JsonProcessingException {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setBody(MAPPER.writeValueAsString(body));
    }
}
