package com.esimorders.order;

import java.util.List;

/**
 * A validated order, as every intake hands it to {@code direct:submit-order}.
 * {@code externalOrderId} is the idempotency key end to end.
 */
public record Order(String externalOrderId, List<OrderProduct> products, Customer customer, OrderSource source) {

    public record OrderProduct(String optionId, int qty) {
    }

    /** Both fields may be null: without an email the eSIM goes to the operations address. */
    public record Customer(String email, String name) {
    }

    /**
     * Where the order came from. {@code type} is FILE, QUEUE or REPLAY; {@code ref} is "file.csv:12-13" or the
     * JMS message id; {@code replyTo} and {@code correlationId} are set for queue orders (outcome events).
     */
    public record OrderSource(String type, String ref, String replyTo, String correlationId) {

        public static OrderSource file(String fileName, String lines) {
            return new OrderSource("FILE", fileName + ":" + lines, null, null);
        }
    }
}
