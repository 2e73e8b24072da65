package com.esimorders.order;

/** The order state machine; every change is recorded in order_history. */
public enum OrderStatus {
    /** recorded, not yet sent */
    RECEIVED,
    /** a request to the provider is under way (or was, when the process stopped) */
    SENDING,
    /** the provider took the order; eSIMs follow by webhook */
    ACCEPTED,
    /** the provider (or our validation) refused the order; never retried */
    REJECTED,
    /** could not be sent within the retry budget, or the credentials are wrong; can be replayed */
    FAILED,
    /** every eSIM of the order has arrived */
    COMPLETED
}
