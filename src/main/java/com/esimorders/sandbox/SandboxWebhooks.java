package com.esimorders.sandbox;

import com.esimorders.Backoff;
import com.esimorders.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the simulator's webhooks: one POST per eSIM to the partner's webhook URL, some time after the order,
 * retried with a doubling, capped backoff until it is answered 200 or the attempts run out. Runs on a small
 * scheduled pool that stops with Camel. Logs topup ids only: never the URL (it holds the webhook token) nor a body.
 */
public final class SandboxWebhooks extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxWebhooks.class);
    private static final int THREADS = 2;
    private static final long MAX_RETRY_DELAY_MS = 60_000;

    /** Where, when and how persistently to deliver. */
    public record Delivery(URI url, long delayMs, int maxAttempts, long retryDelayMs) {
    }

    private final CamelContext context;
    private final Delivery delivery;
    private final SandboxFaults faults;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile ScheduledExecutorService executor;

    public SandboxWebhooks(CamelContext context, Delivery delivery, SandboxFaults faults) {
        this.context = context;
        this.delivery = delivery;
        this.faults = faults;
    }

    @Override
    protected void doStart() {
        // no bound on the webhooks waiting: a benchmark delays thousands, and the order they belong to is already
        // taken (Camel's default profile refuses a task beyond 1,000 queued, which failed taken orders)
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("SandboxWebhooks").poolSize(THREADS).maxQueueSize(-1)
                .build();
        executor = context.getExecutorServiceManager().newScheduledThreadPool(this, "SandboxWebhooks", profile);
    }

    @Override
    protected void doStop() {
        context.getExecutorServiceManager().shutdownNow(executor);
    }

    /** Schedules the webhooks of one order, in order unless the faults say otherwise. */
    void deliver(List<SandboxEsim> esims) {
        List<SandboxEsim> sequence = new ArrayList<>();
        for (SandboxEsim esim : esims) {
            sequence.add(esim);
            if (faults.duplicateWebhooks()) {
                sequence.add(esim);
            }
        }
        if (faults.reverseWebhookOrder()) {
            Collections.reverse(sequence);
        }
        executor.schedule(() -> sequence.forEach(esim -> send(esim, 1)), delivery.delayMs(), TimeUnit.MILLISECONDS);
    }

    private void send(SandboxEsim esim, int attempt) {
        String failure;
        try {
            HttpRequest request = HttpRequest.newBuilder(delivery.url())
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(esim)))
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                LOG.info("Sandbox webhook for topup {} delivered (attempt {})", esim.topupId(), attempt);
                return;
            }
            failure = "answered " + status;
        } catch (IOException e) {
            failure = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt >= delivery.maxAttempts()) {
            LOG.warn("Sandbox webhook for topup {} {}; gave up after {} attempts", esim.topupId(), failure, attempt);
            return;
        }
        long delay = Backoff.exponential(delivery.retryDelayMs(), 2, attempt, MAX_RETRY_DELAY_MS);
        LOG.info("Sandbox webhook for topup {} {} (attempt {}); retrying in {} ms", esim.topupId(), failure, attempt, delay);
        executor.schedule(() -> send(esim, attempt + 1), delay, TimeUnit.MILLISECONDS);
    }
}
