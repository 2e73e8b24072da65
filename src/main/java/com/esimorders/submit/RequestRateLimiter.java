package com.esimorders.submit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces requests to the provider to at most {@code perSecond} (every attempt counts, retries included).
 * Zero or less means no limit. Callers wait their turn: back-pressure, no queue.
 */
public class RequestRateLimiter {

    private final long intervalNanos;
    private long nextFreeNanos = System.nanoTime();

    public RequestRateLimiter(double perSecond) {
        this.intervalNanos = perSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / perSecond) : 0;
    }

    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFreeNanos);
            nextFreeNanos = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the provider rate limit");
            }
        }
    }
}
