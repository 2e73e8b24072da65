package com.esimorders.webhook;

import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import java.util.List;
import java.util.Map;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/** The event sent to direct:publish-order-event when a webhook completed an order. */
public final class CompletedOrder {

    /** {@code rows}: the order's esim_items rows (column topup_id), as the SQL step put them in header topupIds. */
    public OrderOutcome outcome(@ExchangeProperty("orderId") String externalOrderId,
            @Header("topupIds") List<Map<String, Object>> rows) {
        List<String> topupIds = rows.stream().map(row -> (String) row.get("topup_id")).toList();
        return new OrderOutcome(externalOrderId, OrderStatus.COMPLETED, false, topupIds, List.of());
    }
}
