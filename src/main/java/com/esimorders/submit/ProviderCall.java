package com.esimorders.submit;

import com.esimorders.Json;
import com.esimorders.db.DatabaseOutage;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.order.OrderStore;
import com.esimorders.signing.RequestSigner;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.http.HttpMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps around the HTTP call to the provider, used by the send-order route: build and sign each attempt
 * (the first one and every redelivery, so each carries a fresh timestamp), decide whether to retry, and turn the
 * final answer into the order's new state.
 */
public class ProviderCall {

    public static final String ORDER = "esimOrder";
    private static final String FIRST_ATTEMPT_AT = "esimFirstAttemptAt";
    private static final String LAST_FAILURE = "esimLastFailure";
    private static final String CLOCK_SKEW_RETRIED = "esimClockSkewRetried";
    /** attempts in this send; Camel's redelivery counter header does not survive the replayed message */
    private static final String ATTEMPTS = "esimAttempts";
    private static final Logger LOG = LoggerFactory.getLogger(ProviderCall.class);

    private final OrderStore store;
    private final RequestSigner signer;
    private final Clock clock;
    private final RetryPolicy retryPolicy;
    private final RequestRateLimiter rateLimiter;
    private final String path;
    private final Duration storePatience;

    public ProviderCall(OrderStore store, RequestSigner signer, Clock clock, RetryPolicy retryPolicy,
            RequestRateLimiter rateLimiter, String providerUrl, Duration storePatience) {
        this.storePatience = storePatience;
        this.store = store;
        this.signer = signer;
        this.clock = clock;
        this.retryPolicy = retryPolicy;
        this.rateLimiter = rateLimiter;
        this.path = URI.create(providerUrl + "/v1/api_partner/orders").getRawPath();
    }

    /**
     * Before every attempt: record it durably with the token the sender holds (or stop: {@link ClaimLost}) unless it
     * was recorded already (with the order, or by {@link #recordFirstAttempt}), wait for the request rate limit, drop
     * every inbound header, and sign with the current time.
     */
    public void recordAttemptAndSign(Exchange exchange) throws JsonProcessingException, InterruptedException {
        Order order = exchange.getProperty(ORDER, Order.class);
        if (exchange.removeProperty(Submission.ATTEMPT_RECORDED) == null) {
            recordAttempt(exchange);
        }
        rateLimiter.acquire();

        Message message = exchange.getIn();
        message.removeHeaders("*");
        message.setBody(requestBody(order));
        // the enum itself: a String "POST" went through a failing converter lookup on every request
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        Instant now = clock.instant();
        exchange.setProperty(ATTEMPTS, attempts(exchange) + 1);
        if (!exchange.getProperties().containsKey(FIRST_ATTEMPT_AT)) {
            exchange.setProperty(FIRST_ATTEMPT_AT, now);
        }
        long timestamp = now.getEpochSecond();
        message.setHeader("X-Esim-Story-Access-Key", signer.accessKey());
        message.setHeader("X-Esim-Story-Timestamp", String.valueOf(timestamp));
        message.setHeader("X-Esim-Story-Signature", signer.sign("POST", path, timestamp));
    }

    /**
     * Before a send waits for its provider slot: records its first attempt, unless that was recorded with the order,
     * so that the slot is held for the call alone (the attempt's commit no longer runs inside it).
     */
    public void recordFirstAttempt(Exchange exchange) {
        if (exchange.getProperty(Submission.ATTEMPT_RECORDED) == null) {
            recordAttempt(exchange);
            exchange.setProperty(Submission.ATTEMPT_RECORDED, true);
        }
    }

    /** Records the next attempt durably with the token the sender holds, or stops: {@link ClaimLost}. */
    private void recordAttempt(Exchange exchange) {
        Order order = exchange.getProperty(ORDER, Order.class);
        ProviderFailure previous = exchange.getProperty(LAST_FAILURE, ProviderFailure.class);
        int token = exchange.getProperty(Submission.CLAIM, Integer.class);
        // the first attempt of a send that finds the order SENDING takes over an attempt left open by a stopped sender
        boolean previousMayHaveReached = previous == null || previous.uncertain();
        int attempt = store.startAttempt(order.externalOrderId(), token, previousMayHaveReached,
                        previous == null ? "sending" : "retry after: " + previous.summary())
                .orElseThrow(() -> new ClaimLost(order.externalOrderId()));
        exchange.setProperty(Submission.CLAIM, attempt);
    }

    /**
     * The error handler's retryWhile: true to redeliver, after setting the delay. Whether the failed attempt may
     * have reached the provider is recorded by the next attempt (recordAttemptAndSign) or by the final state (failed).
     */
    public boolean shouldRetry(Exchange exchange) {
        Throwable cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ProviderFailure failure = ProviderFailure.of(cause);
        Order order = exchange.getProperty(ORDER, Order.class);
        exchange.setProperty(LAST_FAILURE, failure);
        int attemptsMade = attempts(exchange);
        Duration delay = switch (failure.kind()) {
            case RETRYABLE -> retryPolicy.nextDelay(attemptsMade, elapsed(exchange), failure.retryAfter());
            case CLOCK_SKEW -> exchange.getProperty(CLOCK_SKEW_RETRIED) == null ? Duration.ZERO : null;
            default -> null;
        };
        if (failure.kind() == ProviderFailure.Kind.CLOCK_SKEW) {
            exchange.setProperty(CLOCK_SKEW_RETRIED, true);
        }
        if (delay == null) {
            return false;
        }
        LOG.warn("Order {} attempt {} failed ({}); retrying in {} ms", order.externalOrderId(), attemptsMade,
                failure.summary(), delay.toMillis());
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay.toMillis());
        return true;
    }

    /** The provider took the order: store its items, answer ACCEPTED with the topup_ids. */
    public OrderOutcome accepted(Exchange exchange) {
        Order order = exchange.getProperty(ORDER, Order.class);
        List<ProviderResponse.Item> items;
        try {
            items = ProviderResponse.items(exchange.getIn().getBody(byte[].class));
        } catch (IllegalArgumentException unreadable) {
            // any 2xx means the provider took the order; its topup_ids then come with the webhooks
            LOG.warn("Order {}: {}; accepted, its eSIMs arrive by webhook", order.externalOrderId(),
                    unreadable.getMessage());
            items = List.of();
        }
        int units = order.products().stream().mapToInt(Order.OrderProduct::qty).sum();
        if (items.size() != units) {
            LOG.warn("Order {}: provider returned {} items for {} units", order.externalOrderId(), items.size(), units);
        }
        int token = exchange.getProperty(Submission.CLAIM, Integer.class);
        List<ProviderResponse.Item> taken = items;
        List<String> topupIds = items.stream().map(ProviderResponse.Item::topupId).toList();
        // the answer cannot be had again: keep trying to store it through a database outage
        boolean stored = DatabaseOutage.retry("Order " + order.externalOrderId() + ": storing the provider's answer",
                storePatience, () -> store.accept(order.externalOrderId(), token, taken,
                        "accepted: " + taken.size() + " eSIM(s), topup_ids " + topupIds));
        if (!stored) {
            return store.outcome(order.externalOrderId());
        }
        return new OrderOutcome(order.externalOrderId(), OrderStatus.ACCEPTED, false, topupIds, List.of());
    }

    /** Another sender took the order over, or it moved on (a webhook completed it): answer where it stands. */
    public OrderOutcome superseded(Exchange exchange) {
        Order order = exchange.getProperty(ORDER, Order.class);
        LOG.info("Order {} is no longer held by this sender: not sent", order.externalOrderId());
        return store.outcome(order.externalOrderId());
    }

    /** No retry is left or allowed: decide the final state from what the provider said. */
    public OrderOutcome failed(Exchange exchange) {
        Order order = exchange.getProperty(ORDER, Order.class);
        String id = order.externalOrderId();
        ProviderFailure failure = ProviderFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        OrderStatus status;
        List<String> errors = failure.texts();
        int token = exchange.getProperty(Submission.CLAIM, Integer.class);
        switch (failure.kind()) {
            case ALREADY_TAKEN -> {
                if (store.mayHaveReachedProvider(id)) {
                    // an earlier attempt of ours (by any instance) may have reached the provider: this is our order
                    finish(id, token, OrderStatus.ACCEPTED, false, "accepted earlier (provider: " + failure.summary()
                            + "); eSIMs arrive by webhook", null);
                    LOG.info("Order {} ACCEPTED by an earlier attempt; its eSIMs arrive by webhook", id);
                    return store.outcome(id);
                }
                status = OrderStatus.REJECTED;
            }
            case REJECTED -> status = OrderStatus.REJECTED;
            case UNAUTHORIZED -> {
                status = OrderStatus.FAILED;
                LOG.error("Order {} FAILED: the provider refused our credentials ({}). Check ESIM_ACCESS_KEY and"
                        + " ESIM_SECRET_KEY, then replay the failed orders.", id, failure.summary());
            }
            case CLOCK_SKEW -> {
                status = OrderStatus.FAILED;
                errors = List.of(failure.summary() + " (re-signed once; check this server's clock, e.g. NTP)");
            }
            case UPSTREAM_FAILED, RETRYABLE -> status = OrderStatus.FAILED;
            default -> throw new IllegalStateException("unknown failure " + failure.kind());
        }
        int attempts = attempts(exchange);
        if (!finish(id, token, status, failure.uncertain(), status.name().toLowerCase() + " after " + attempts
                + " attempt(s): " + failure.summary(), errors)) {
            return store.outcome(id);
        }
        if (failure.kind() != ProviderFailure.Kind.UNAUTHORIZED) {
            LOG.warn("Order {} {} after {} attempt(s): {}", id, status, attempts, failure.summary());
        }
        return new OrderOutcome(id, status, false, List.of(), errors);
    }

    private boolean finish(String id, int token, OrderStatus status, boolean mayHaveReached, String detail,
            List<String> errors) {
        return DatabaseOutage.retry("Order " + id + ": storing the provider's answer", storePatience,
                () -> store.finish(id, token, status, mayHaveReached, detail, errors));
    }

    /** Thrown before an attempt when the sender no longer holds the order; never retried. */
    public static final class ClaimLost extends RuntimeException {
        public ClaimLost(String externalOrderId) {
            super("order " + externalOrderId + " is no longer held by this sender");
        }
    }

    static String requestBody(Order order) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("external_order_id", order.externalOrderId());
        body.put("products", order.products().stream()
                .map(p -> Map.of("option_id", p.optionId(), "qty", p.qty())).toList());
        return Json.MAPPER.writeValueAsString(body);
    }

    private static int attempts(Exchange exchange) {
        return exchange.getProperty(ATTEMPTS, 0, Integer.class);
    }

    private Duration elapsed(Exchange exchange) {
        Instant first = exchange.getProperty(FIRST_ATTEMPT_AT, Instant.class);
        return first == null ? Duration.ZERO : Duration.between(first, clock.instant());
    }
}
