package com.esimorders.sandbox;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The faults the sandbox simulator injects. Configured from {@code esim.sandbox.fault.*} and switchable at runtime
 * (bean {@code sandboxFaults}): {@link #failNext} forces a fault on the next requests that reach it, deterministically;
 * {@link #setRate} makes it happen at random. Also counts what the simulator received, so tests can assert attempts.
 */
public final class SandboxFaults {

    public enum Fault {
        /** 429 with a Retry-After header, before authentication (as a gateway would). */
        RATE_LIMITED,
        /** 500 {"error":"Internal server error"}, after authentication; no order is taken. */
        SERVER_ERROR,
        /** 503 {"error":"Service unavailable"}, after authentication; no order is taken. */
        UNAVAILABLE,
        /** 422 "eSIM Request failed - Status: ..., Message: ..." after validation; no order is taken. */
        ESIM_REQUEST_FAILED,
        /** The order is taken and its webhooks scheduled, then the connection is closed without a response. */
        DROP_AFTER_ORDER
    }

    /** The configured values, which {@link #reset()} returns to. */
    public record Defaults(Map<Fault, Double> rates, long latencyMs, int retryAfterSeconds, boolean duplicateWebhooks,
            boolean reverseWebhookOrder) {

        public static Defaults none() {
            return new Defaults(Map.of(), 0, 1, false, false);
        }
    }

    private final Defaults defaults;
    private final Map<Fault, Integer> forced = new EnumMap<>(Fault.class);
    private final Map<Fault, Double> rates = new EnumMap<>(Fault.class);
    private long latencyMs;
    private int retryAfterSeconds;
    private boolean duplicateWebhooks;
    private boolean reverseWebhookOrder;
    private int requestCount;
    private int ordersTaken;
    private int inFlight;
    private int maxInFlight;

    public SandboxFaults(Defaults defaults) {
        this.defaults = defaults;
        reset();
    }

    /** Makes the next {@code times} requests that reach the fault's step fail with it. */
    public synchronized void failNext(Fault fault, int times) {
        forced.merge(fault, times, Integer::sum);
    }

    /** Makes the fault happen at random on this share (0..1) of the requests that reach its step. */
    public synchronized void setRate(Fault fault, double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("rate of " + fault + " must be between 0 and 1, was " + rate);
        }
        rates.put(fault, rate);
    }

    /** Added to every request before anything else. */
    public synchronized void setLatencyMs(long latencyMs) {
        this.latencyMs = latencyMs;
    }

    public synchronized void setRetryAfterSeconds(int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Delivers every webhook twice. */
    public synchronized void setDuplicateWebhooks(boolean duplicateWebhooks) {
        this.duplicateWebhooks = duplicateWebhooks;
    }

    /** Delivers the webhooks of an order last unit first. */
    public synchronized void setReverseWebhookOrder(boolean reverseWebhookOrder) {
        this.reverseWebhookOrder = reverseWebhookOrder;
    }

    /** Back to the configured faults, with nothing forced and the counters at zero. */
    public synchronized void reset() {
        forced.clear();
        rates.clear();
        rates.putAll(defaults.rates());
        latencyMs = defaults.latencyMs();
        retryAfterSeconds = defaults.retryAfterSeconds();
        duplicateWebhooks = defaults.duplicateWebhooks();
        reverseWebhookOrder = defaults.reverseWebhookOrder();
        requestCount = 0;
        ordersTaken = 0;
        maxInFlight = inFlight;
    }

    /** Requests received on the orders path since the last reset, whatever they were answered. */
    public synchronized int requestCount() {
        return requestCount;
    }

    /** Orders taken (order id recorded, webhooks scheduled) since the last reset, dropped responses included. */
    public synchronized int ordersTaken() {
        return ordersTaken;
    }

    /** The most requests it was answering at the same time since the last reset. */
    public synchronized int maxConcurrentRequests() {
        return maxInFlight;
    }

    synchronized long requestReceived() {
        requestCount++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return latencyMs;
    }

    synchronized void requestAnswered() {
        inFlight--;
    }

    synchronized void orderTaken() {
        ordersTaken++;
    }

    /** Whether this request fails with the fault: a forced one first, else at the configured rate. */
    synchronized boolean strikes(Fault fault) {
        Integer remaining = forced.get(fault);
        if (remaining != null && remaining > 0) {
            forced.put(fault, remaining - 1);
            return true;
        }
        double rate = rates.getOrDefault(fault, 0.0);
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }

    synchronized int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    synchronized boolean duplicateWebhooks() {
        return duplicateWebhooks;
    }

    synchronized boolean reverseWebhookOrder() {
        return reverseWebhookOrder;
    }
}
