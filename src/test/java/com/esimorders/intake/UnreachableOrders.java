package com.esimorders.intake;

import com.esimorders.order.Order;
import java.util.List;

final class UnreachableOrders {
    private UnreachableOrders() {
    }

    static Order fileOrder(String id, String optionId) {
        return new Order(id, List.of(new Order.OrderProduct(optionId, 1)), null, Order.OrderSource.file("test.csv", "2"));
    }
}
