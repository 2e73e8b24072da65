package com.esimorders;

/** Exponential backoff, shared by the provider's redelivery, the mail outbox and the simulator's webhook retries. */
public final class Backoff {

    private Backoff() {
    }

    /** {@code initialMs * multiplier^(attemptsMade - 1)}, capped at {@code maxMs}: the delay after that many failures. */
    public static long exponential(long initialMs, double multiplier, int attemptsMade, long maxMs) {
        return (long) Math.min(initialMs * Math.pow(multiplier, Math.max(attemptsMade, 1) - 1), maxMs);
    }
}
