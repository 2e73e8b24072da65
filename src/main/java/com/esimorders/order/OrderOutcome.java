package com.esimorders.order;

import java.util.List;

/**
 * What {@code direct:submit-order} answers. {@code duplicate} is true when the external_order_id was already
 * recorded: then nothing was sent and {@code status} is the existing order's status.
 */
public record OrderOutcome(String externalOrderId, OrderStatus status, boolean duplicate, List<String> topupIds,
        List<String> errors) {
}
