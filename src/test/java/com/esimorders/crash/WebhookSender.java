package com.esimorders.crash;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The provider's webhook deliveries, as the stand-in makes them: one POST per eSIM to the application's webhook URL
 * a short delay after the order was taken, retried on anything but 200 (connection refused while the application
 * restarts included) every {@code retryEvery} for up to {@code giveUpAfter} from the first attempt.
 * <p>
 * A fixed number of sender threads take due deliveries from a delay queue. Scheduling only adds a small record to
 * that queue, so taking an order never waits for, or fails because of, a busy sender. The bodies hold activation
 * codes: they are never logged.
 */
final class WebhookSender implements AutoCloseable {

    private static final Duration REFUSED_WINDOW = Duration.ofMillis(250);

    private final URI target;
    private final Duration firstDelay;
    private final Duration retryEvery;
    private final Duration giveUpAfter;
    private final HttpClient http;
    private final ExecutorService senders;
    private final DelayQueue<Delivery> due = new DelayQueue<>();
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** topup_id -> when it was first answered 200 */
    private final Map<String, Instant> answered = new ConcurrentHashMap<>();
    private final Set<String> gaveUp = ConcurrentHashMap.newKeySet();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong failedPosts = new AtomicLong();
    private final AtomicLong senderErrors = new AtomicLong();
    private final AtomicReference<Consumer<String>> after200 = new AtomicReference<>();
    private volatile boolean closed;
    /** until then (System.nanoTime) the application refused connections: attempts count as refused at once */
    private volatile long refusedUntilNanos;

    WebhookSender(URI target, int threads, Duration firstDelay, Duration retryEvery, Duration giveUpAfter) {
        this.target = target;
        this.firstDelay = firstDelay;
        this.retryEvery = retryEvery;
        this.giveUpAfter = giveUpAfter;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        this.senders = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "stand-in-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < threads; i++) {
            senders.execute(this::sendWhileOpen);
        }
    }

    /** Queues the webhook of one eSIM; never blocks. */
    void schedule(String topupId, String json) {
        scheduled.add(topupId);
        due.add(new Delivery(topupId, json, null, System.nanoTime() + firstDelay.toNanos()));
    }

    /**
     * Called on the sender thread right after a webhook was answered 200 (and recorded), before that thread does
     * anything else; null for none.
     */
    void onAnswered200(Consumer<String> callback) {
        after200.set(callback);
    }

    int scheduledCount() {
        return scheduled.size();
    }

    /** Distinct eSIMs whose webhook was answered 200. */
    int answeredCount() {
        return answered.size();
    }

    Set<String> answeredTopupIds() {
        return Set.copyOf(answered.keySet());
    }

    Set<String> gaveUp() {
        return Set.copyOf(gaveUp);
    }

    /** Webhooks neither answered 200 nor given up yet. */
    int pending() {
        return due.size();
    }

    /** HTTP requests made (attempts while the application was known to be down are not made). */
    long posts() {
        return posts.get();
    }

    long failedPosts() {
        return failedPosts.get();
    }

    /** Failures of the sender itself (a harness bug): must stay 0. */
    long senderErrors() {
        return senderErrors.get();
    }

    private void sendWhileOpen() {
        while (!closed) {
            try {
                Delivery delivery = due.poll(200, TimeUnit.MILLISECONDS);
                if (delivery != null) {
                    deliver(delivery);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a harness bug must not stop a sender thread silently: counted and asserted to be zero. Only the
                // class name is printed: a message could hold the webhook URL and its token.
                senderErrors.incrementAndGet();
                System.err.println("webhook sender failed: " + e.getClass().getName());
            }
        }
    }

    private void deliver(Delivery delivery) throws InterruptedException {
        Instant firstAttempt = delivery.firstAttempt == null ? Instant.now() : delivery.firstAttempt;
        int status = post(delivery);
        if (status == 200) {
            answered.putIfAbsent(delivery.topupId, Instant.now());
            Consumer<String> callback = after200.get();
            if (callback != null) {
                callback.accept(delivery.topupId);
            }
            return;
        }
        failedPosts.incrementAndGet();
        if (Duration.between(firstAttempt, Instant.now()).compareTo(giveUpAfter) >= 0) {
            gaveUp.add(delivery.topupId);
            return;
        }
        due.add(new Delivery(delivery.topupId, delivery.json, firstAttempt, System.nanoTime() + retryEvery.toNanos()));
    }

    /** The HTTP status, or -1 when there was no answer (refused, reset, timed out). */
    private int post(Delivery delivery) throws InterruptedException {
        if (System.nanoTime() < refusedUntilNanos) {
            // the application refused a connection less than 250 ms ago (it is down): this attempt fails as it would,
            // without a connection, so that a thousand webhooks retrying every second do not eat the CPU that the
            // restarting application needs on a 2-core machine
            return -1;
        }
        posts.incrementAndGet();
        try {
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.json))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            refusedUntilNanos = System.nanoTime() + REFUSED_WINDOW.toNanos(); // the application is down
            return -1;
        } catch (IOException e) {
            return -1; // reset or timed out: the application was killed mid-request
        }
    }

    @Override
    public void close() {
        closed = true;
        senders.shutdownNow();
        try {
            senders.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One webhook, due at {@code dueNanos} (System.nanoTime). */
    private static final class Delivery implements Delayed {
        final String topupId;
        final String json;
        final Instant firstAttempt;
        final long dueNanos;

        Delivery(String topupId, String json, Instant firstAttempt, long dueNanos) {
            this.topupId = topupId;
            this.json = json;
            this.firstAttempt = firstAttempt;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Delivery) other).dueNanos);
        }

        @Override
        public String toString() {
            return "webhook of topup_id " + topupId; // never the body: it holds the activation code
        }
    }
}
