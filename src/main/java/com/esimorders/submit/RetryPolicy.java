package com.esimorders.submit;

import com.esimorders.Backoff;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before attempt {@code n + 1}: exponential backoff with jitter, capped, within an attempt limit
 * and a time budget counted from the first attempt.
 */
public record RetryPolicy(int maxAttempts, Duration budget, Duration initialDelay, double multiplier,
        Duration maxDelay, double jitter) {

    /** The delay before the next attempt, or null when no attempt is left within the budget. */
    public Duration nextDelay(int attemptsMade, Duration elapsed, Duration retryAfter) {
        if (attemptsMade >= maxAttempts) {
            return null;
        }
        Duration delay = retryAfter != null ? retryAfter : backoff(attemptsMade);
        return elapsed.plus(delay).compareTo(budget) > 0 ? null : delay;
    }

    private Duration backoff(int attemptsMade) {
        double base = Backoff.exponential(initialDelay.toMillis(), multiplier, attemptsMade, maxDelay.toMillis());
        double spread = base * jitter;
        double withJitter = base + ThreadLocalRandom.current().nextDouble(-spread, spread + Double.MIN_VALUE);
        return Duration.ofMillis(Math.max(0, Math.round(withJitter)));
    }
}
