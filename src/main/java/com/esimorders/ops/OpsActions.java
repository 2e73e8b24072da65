package com.esimorders.ops;

import java.util.concurrent.Semaphore;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The operator actions that wait on the outside world (a replay waits for the provider, its retries included; a
 * resend for the SMTP server) hold a worker thread of the HTTP server meanwhile, and the webhooks need those threads
 * too, whatever port the API is on. At most {@code esim.ops.max-running-actions} run at once; another one is answered
 * 429 at once instead of waiting for a thread.
 */
public class OpsActions {

    private final int max;
    private final Semaphore running;

    public OpsActions(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("esim.ops.max-running-actions must be at least 1, got " + max);
        }
        this.max = max;
        this.running = new Semaphore(max);
    }

    /** Takes a place for this request's action until the exchange completes, or answers 429. */
    public void begin(Exchange exchange) {
        if (!running.tryAcquire()) {
            throw new OpsProblem(429, max + " operator action(s) (replay, resend) are running, the most that may run"
                    + " at once (esim.ops.max-running-actions): try again when one has finished");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                running.release();
            }
        });
    }
}
