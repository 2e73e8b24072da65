package com.esimorders.queue;

import com.esimorders.order.Order.OrderSource;
import com.esimorders.order.Order;
import com.esimorders.order.OrderDraft;
import com.esimorders.order.OrderEvents;
import com.esimorders.order.OrderJson;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.order.OrderValidator;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/** The steps of the order-queue-intake route that read a JMS message into an order. */
public class OrderMessages {

    public static final String MESSAGE_ID = "esimMessageId";
    public static final String REPLY_TO = "esimReplyTo";
    public static final String CORRELATION_ID = "esimCorrelationId";

    static final int MAX_CORRELATION_ID_LENGTH = 200;
    static final int MAX_REPLY_TO_LENGTH = 500;

    private final OrderValidator validator;

    public OrderMessages(OrderValidator validator) {
        this.validator = validator;
    }

    /** A well-formed order that breaks the provider's rules: the sender gets a "rejected" event with the reasons. */
    public static final class InvalidOrderException extends Exception {
        private final transient List<String> reasons;
        private final String externalOrderId;

        public InvalidOrderException(String externalOrderId, List<String> reasons) {
            super(String.join("; ", reasons));
            this.externalOrderId = externalOrderId;
            this.reasons = reasons;
        }

        public String getExternalOrderId() {
            return externalOrderId;
        }

        public List<String> getReasons() {
            return reasons;
        }
    }

    /** The queue name of JMSReplyTo (a Destination), or null. Events can be sent to queues only. */
    public String replyTo(Object destination) throws JMSException {
        if (destination instanceof Queue queue) {
            return queue.getQueueName();
        }
        return destination instanceof String name && !name.isBlank() ? name : null;
    }

    /** The order message's JMSCorrelationID, or its JMSMessageID when it has none: events carry it back. */
    public String correlationId(@Header("JMSCorrelationID") String correlationId, @Header("JMSMessageID") String messageId) {
        return correlationId == null || correlationId.isBlank() ? messageId : correlationId;
    }

    /** The "rejected" outcome of a message that failed validation. */
    public OrderOutcome rejected(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) InvalidOrderException invalid,
            Exchange exchange) {
        exchange.setProperty(OrderEvents.NOT_RECORDED, true);
        return new OrderOutcome(invalid.getExternalOrderId(), OrderStatus.REJECTED, false, List.of(), invalid.getReasons());
    }

    /** The "rejected" outcome of a message that is not an order at all (it goes to the DLQ as well). */
    public OrderOutcome notAnOrder(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) OrderJson.NotAnOrderException notAnOrder,
            Exchange exchange) {
        exchange.setProperty(OrderEvents.NOT_RECORDED, true);
        return new OrderOutcome(notAnOrder.externalOrderId(), OrderStatus.REJECTED, false, List.of(),
                List.of(notAnOrder.getMessage()));
    }

    public Order order(String text, @ExchangeProperty(MESSAGE_ID) String messageId,
            @ExchangeProperty(REPLY_TO) String replyTo, @ExchangeProperty(CORRELATION_ID) String correlationId)
            throws OrderJson.NotAnOrderException, InvalidOrderException {
        OrderDraft draft = OrderJson.parse(text);
        List<String> reasons = new ArrayList<>();
        for (OrderValidator.Problem p : validator.check(draft)) {
            reasons.add(p.product() < 0 ? p.reason() : "products[" + p.product() + "]: " + p.reason());
        }
        // the columns that keep them for the outcome event (orders.correlation_id, orders.reply_to)
        if (correlationId != null && correlationId.length() > MAX_CORRELATION_ID_LENGTH) {
            reasons.add("JMSCorrelationID is longer than " + MAX_CORRELATION_ID_LENGTH + " characters");
        }
        if (replyTo != null && replyTo.length() > MAX_REPLY_TO_LENGTH) {
            reasons.add("JMSReplyTo is longer than " + MAX_REPLY_TO_LENGTH + " characters");
        }
        if (!reasons.isEmpty()) {
            String id = draft.externalOrderId() == null || draft.externalOrderId().isBlank() ? null
                    : draft.externalOrderId().trim();
            throw new InvalidOrderException(id, reasons);
        }
        return draft.toOrder(new OrderSource("QUEUE", messageId, replyTo, correlationId));
    }
}
