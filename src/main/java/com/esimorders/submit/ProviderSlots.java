package com.esimorders.submit;

import java.util.concurrent.Semaphore;
import org.apache.camel.Exchange;

/**
 * The provider's concurrency limit (esim.provider.max-concurrent): a sender takes a slot just before its call and
 * gives it back as soon as the call has ended (answered, failed, or out of retries), so that storing the answer and
 * publishing the outcome overlap other orders' calls. Camel's throttle in concurrent-requests mode gave its permit
 * back only when the whole exchange completed: a queue order held its slot through the outcome event, a file
 * order through its results line.
 */
public class ProviderSlots {

    private static final String HELD = "esimProviderSlot";

    private final Semaphore slots;

    public ProviderSlots(int maxConcurrent) {
        // fair: callers are served in the order they came
        this.slots = new Semaphore(maxConcurrent, true);
    }

    /** Waits for a free slot (back-pressure on the caller). */
    public void take(Exchange exchange) throws InterruptedException {
        slots.acquire();
        exchange.setProperty(HELD, true);
    }

    /** Gives the exchange's slot back; does nothing when it holds none (its take was interrupted). */
    public void giveBack(Exchange exchange) {
        if (exchange.removeProperty(HELD) != null) {
            slots.release();
        }
    }
}
