package com.esimorders.order;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of an order written as JSON (a JSON Lines line, an order of a JSON file, a queue message): reads
 * the order object {@code {"external_order_id": "...", "products": [{"option_id": "...", "qty": 1}],
 * "customer": {"email": "...", "name": "..."}}} into a draft. A value of the wrong JSON type (an order that is
 * not an object, products that are not an array, an id that is an object, ...) is a {@link WrongShapeException};
 * wrong values (blank id, qty 0) are left to {@link OrderValidator}.
 */
public final class OrderJson {

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The text is not an order at all: "malformed JSON: ..." or "wrong shape: ...". Carries the
     * external_order_id when the text has a readable one, so that its sender can be told which order it was.
     */
    public static final class NotAnOrderException extends Exception {
        private final String externalOrderId;

        NotAnOrderException(String reason, String externalOrderId) {
            super(reason);
            this.externalOrderId = externalOrderId;
        }

        public String externalOrderId() {
            return externalOrderId;
        }
    }

    /** The JSON is well-formed but is not an order object. */
    private static final class WrongShapeException extends Exception {
        WrongShapeException(String message) {
            super(message);
        }
    }

    private OrderJson() {
    }

    /** The draft of the order written in {@code text}; its values are checked by {@link OrderValidator}. */
    public static OrderDraft parse(String text) throws NotAnOrderException {
        if (text == null || text.isBlank()) {
            throw new NotAnOrderException("malformed JSON: the message is empty", null);
        }
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new NotAnOrderException("malformed JSON: " + e.getOriginalMessage(), null);
        }
        try {
            return draft(node);
        } catch (WrongShapeException e) {
            JsonNode id = node == null ? null : node.get("external_order_id");
            throw new NotAnOrderException("wrong shape: " + e.getMessage(),
                    id != null && id.isValueNode() ? id.asText() : null);
        }
    }

    private static OrderDraft draft(JsonNode node) throws WrongShapeException {
        if (node == null || !node.isObject()) {
            throw new WrongShapeException("an order must be a JSON object, found " + describe(node));
        }
        String id = scalar(node, "external_order_id", "external_order_id");
        List<OrderDraft.Product> products = new ArrayList<>();
        JsonNode list = node.get("products");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new WrongShapeException("products must be an array, found " + describe(list));
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode product = list.get(i);
                String where = "products[" + i + "]";
                if (!product.isObject()) {
                    throw new WrongShapeException(where + " must be an object, found " + describe(product));
                }
                products.add(new OrderDraft.Product(scalar(product, "option_id", where + ".option_id"),
                        scalar(product, "qty", where + ".qty")));
            }
        }
        String email = null;
        String name = null;
        JsonNode customer = node.get("customer");
        if (customer != null && !customer.isNull()) {
            if (!customer.isObject()) {
                throw new WrongShapeException("customer must be an object, found " + describe(customer));
            }
            email = scalar(customer, "email", "customer.email");
            name = scalar(customer, "name", "customer.name");
        }
        return new OrderDraft(id, products, email, name);
    }

    /** A string or number field as text; null when absent. */
    private static String scalar(JsonNode parent, String field, String where) throws WrongShapeException {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new WrongShapeException(where + " must be a string or a number, found " + describe(value));
        }
        return value.asText();
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }
}
