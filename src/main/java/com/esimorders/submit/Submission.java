package com.esimorders.submit;

import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.order.OrderStore;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry steps of the submission routes: who holds an order and sends it. Each step leaves exchange property
 * {@link #SEND} true with the body the order to send and {@link #CLAIM} the token held, or false with the body the
 * order's outcome.
 */
public class Submission {

    public static final String SEND = "esimSend";
    public static final String CLAIM = "esimClaim";
    /** True when the held token is an attempt recorded already: the next request goes out without another. */
    public static final String ATTEMPT_RECORDED = "esimAttemptRecorded";
    private static final Set<OrderStatus> WAITING = EnumSet.of(OrderStatus.RECEIVED, OrderStatus.SENDING);
    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

    private final OrderStore store;
    private final Duration resumeWait;

    public Submission(OrderStore store, Duration resumeWait) {
        this.store = store;
        this.resumeWait = resumeWait;
    }

    /**
     * Records the order, to be sent later by the order senders (queue intake). A known external_order_id is not sent
     * again: from another input it answers a duplicate outcome; from the same input (a file read again after a
     * crash or outage, a message redelivered) it answers the order's own outcome, and takes the order over when it
     * was left unfinished.
     */
    public void record(Exchange exchange) throws InterruptedException {
        recordOrder(exchange, false);
    }

    /**
     * The same as {@link #record}, for a caller that sends the new order at once (file intake): its first attempt
     * is recorded with it (property {@link #ATTEMPT_RECORDED}), one commit fewer.
     */
    public void recordWithFirstAttempt(Exchange exchange) throws InterruptedException {
        recordOrder(exchange, true);
    }

    private void recordOrder(Exchange exchange, boolean firstAttempt) throws InterruptedException {
        Order order = exchange.getIn().getBody(Order.class);
        OrderStore.Recorded recorded = store.record(order, firstAttempt);
        if (recorded.isNew()) {
            send(exchange, order, recorded.token());
            if (recorded.token() > 0) {
                exchange.setProperty(ATTEMPT_RECORDED, true);
            }
        } else if (sameInput(recorded.source(), order.source())) {
            resumeOwn(exchange, order.externalOrderId());
        } else {
            OrderOutcome existing = store.outcome(order.externalOrderId());
            answer(exchange, new OrderOutcome(existing.externalOrderId(), existing.status(), true,
                    existing.topupIds(), existing.errors()));
        }
    }

    /** Recovery (body: external_order_id): takes the order when it waits and nobody holds it. */
    public void resume(Exchange exchange) {
        String id = exchange.getIn().getBody(String.class);
        OptionalInt token = store.claim(id);
        if (token.isPresent()) {
            LOG.info("Recovering order {}: sending it again with the same external_order_id", id);
            sendTaken(exchange, id, token.getAsInt());
        } else {
            answer(exchange, store.outcome(id));
        }
    }

    /**
     * Replay (body: external_order_id): a FAILED order, or a REJECTED one when exchange property
     * {@code esimReplayRejected} is true.
     */
    public void replay(Exchange exchange) {
        String id = exchange.getIn().getBody(String.class);
        boolean allowRejected = exchange.getProperty("esimReplayRejected", false, Boolean.class);
        OptionalInt token = store.reopen(id, allowRejected, "replay requested by operator");
        if (token.isPresent()) {
            LOG.info("Replaying order {}", id);
            sendTaken(exchange, id, token.getAsInt());
        } else {
            LOG.warn("Order {} is {}: not replayed", id, store.status(id));
            answer(exchange, store.outcome(id));
        }
    }

    /**
     * The same input again: once the order is final its outcome is the answer; while it waits, take it over as
     * soon as its holder is gone (a killed instance's claims free themselves), for a bounded time.
     */
    private void resumeOwn(Exchange exchange, String id) throws InterruptedException {
        long deadline = System.nanoTime() + resumeWait.toNanos();
        while (true) {
            if (!WAITING.contains(store.status(id))) {
                answer(exchange, store.outcome(id));
                return;
            }
            OptionalInt token = store.claim(id);
            if (token.isPresent()) {
                LOG.info("Order {} was left unfinished: sending it again with the same external_order_id", id);
                sendTaken(exchange, id, token.getAsInt());
                return;
            }
            if (System.nanoTime() > deadline) {
                answer(exchange, store.outcome(id));
                return;
            }
            Thread.sleep(500);
        }
    }

    private static boolean sameInput(Order.OrderSource recorded, Order.OrderSource incoming) {
        return Objects.equals(recorded.type(), incoming.type()) && Objects.equals(recorded.ref(), incoming.ref());
    }

    /** An order just taken by this sender: loaded to be sent, or given back when it cannot be loaded. */
    private void sendTaken(Exchange exchange, String id, int token) {
        Order order;
        try {
            order = store.load(id);
        } catch (RuntimeException e) {
            store.giveBack(id);
            throw e;
        }
        send(exchange, order, token);
    }

    private static void send(Exchange exchange, Order order, int token) {
        exchange.setProperty(SEND, true);
        exchange.setProperty(CLAIM, token);
        exchange.getIn().setBody(order);
    }

    private static void answer(Exchange exchange, OrderOutcome outcome) {
        exchange.setProperty(SEND, false);
        exchange.getIn().setBody(outcome);
    }
}
