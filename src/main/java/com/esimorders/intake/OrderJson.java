package com.esimorders.intake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the order object {@code {"external_order_id": "...", "products": [{"option_id": "...", "qty": 1}],
 * "customer": {"email": "...", "name": "..."}}} into a draft. A value of the wrong JSON type (an order that is
 * not an object, products that are not an array, an id that is an object, ...) is a {@link WrongShapeException};
 * wrong values (blank id, qty 0) are left to {@link OrderValidator}.
 */
public final class OrderJson {

    /** The JSON is well-formed but is not an order object. */
    public static final class WrongShapeException extends Exception {
        public WrongShapeException(String message) {
            super(message);
        }
    }

    private OrderJson() {
    }

    public static OrderDraft draft(JsonNode node) throws WrongShapeException {
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
