package com.esimorders.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts what flows through routes owned by others, from Camel's exchange events, so that no route or class of the
 * order path needs a metrics step:
 * <ul>
 * <li>{@code esim_provider_requests_seconds} (histogram, tag status = HTTP status or io_error): every request to the
 * provider's orders path, retries included;</li>
 * <li>{@code esim_provider_retries_total}: redeliveries of a provider request;</li>
 * <li>{@code esim_webhooks_total} (tag outcome): every request to the webhook route, by its answer (applied,
 * duplicate, conflict, quarantined, unknown_token, wrong_method, unavailable, error).</li>
 * </ul>
 */
public class FlowMetrics extends EventNotifierSupport {

    static final String PROVIDER_PATH = "/v1/api_partner/orders";
    static final String WEBHOOK_ROUTE = "esim-webhook";
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");

    private final MeterRegistry registry;
    private final Counter retries;

    public FlowMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.retries = Counter.builder("esim.provider.retries")
                .description("provider requests sent again after a retryable failure").register(registry);
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        // not ignored: Camel times a send, and emits its ExchangeSentEvent, only when a notifier took its sending event
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent
                || event instanceof CamelEvent.ExchangeRedeliveryEvent
                || event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSentEvent sent && isProvider(sent.getEndpoint())) {
            providerTimer(providerStatus(sent.getExchange())).record(Duration.ofMillis(sent.getTimeTaken()));
        } else if (event instanceof CamelEvent.ExchangeRedeliveryEvent redelivery
                && isProvider(redelivery.getExchange().getProperty(Exchange.TO_ENDPOINT, String.class))) {
            retries.increment();
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent) {
            Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
            if (WEBHOOK_ROUTE.equals(exchange.getFromRouteId())) {
                Counter.builder("esim.webhooks").description("webhook requests by their answer")
                        .tag("outcome", webhookOutcome(exchange)).register(registry).increment();
            }
        }
    }

    private Timer providerTimer(String status) {
        return Timer.builder("esim.provider.requests")
                .description("requests to the provider's orders API, retries included, by HTTP status")
                .tag("status", status)
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofSeconds(30))
                .register(registry);
    }

    private static boolean isProvider(Endpoint endpoint) {
        return endpoint != null && isProvider(endpoint.getEndpointBaseUri());
    }

    private static boolean isProvider(String uri) {
        return uri != null && (uri.startsWith("http:") || uri.startsWith("https:")) && uri.endsWith(PROVIDER_PATH);
    }

    static String providerStatus(Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure instanceof HttpOperationFailedException http) {
            return String.valueOf(http.getStatusCode());
        }
        if (failure != null) {
            return failure instanceof IOException ? "io_error" : "error";
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code == null ? "unknown" : String.valueOf(code);
    }

    static String webhookOutcome(Exchange exchange) {
        if (exchange.getException() != null) {
            return "error";
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 200 : code;
        switch (status) {
            case 200, 202 -> {
                Matcher matcher = STATUS.matcher(String.valueOf(exchange.getMessage().getBody(String.class)));
                return matcher.find() ? matcher.group(1) : "ok";
            }
            case 404 -> {
                return "unknown_token";
            }
            case 405 -> {
                return "wrong_method";
            }
            case 503 -> {
                return "unavailable";
            }
            default -> {
                return "error";
            }
        }
    }
}
