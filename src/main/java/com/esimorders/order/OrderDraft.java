package com.esimorders.order;

import com.esimorders.order.Order.Customer;
import com.esimorders.order.Order.OrderProduct;
import com.esimorders.order.Order.OrderSource;
import java.util.List;

/**
 * An order as read, before validation: every value is the text the sender wrote (qty included, so that "two" or
 * "1.5" can be reported as such). {@link OrderValidator} judges it; {@link #toOrder} builds the valid order.
 */
public record OrderDraft(String externalOrderId, List<Product> products, String email, String name) {

    public record Product(String optionId, String qty) {
    }

    /** Only for a draft that {@link OrderValidator} found valid. */
    public Order toOrder(OrderSource source) {
        List<OrderProduct> lines = products.stream()
                .map(p -> new OrderProduct(p.optionId().trim(), Integer.parseInt(p.qty().trim())))
                .toList();
        String cleanEmail = blankToNull(email);
        String cleanName = blankToNull(name);
        Customer customer = cleanEmail == null && cleanName == null ? null : new Customer(cleanEmail, cleanName);
        return new Order(externalOrderId.trim(), lines, customer, source);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
