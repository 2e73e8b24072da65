package com.esimorders.submit;

import com.esimorders.Settings;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.signing.RequestSigner;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;

/** Entry steps of the submission routes, and the wiring of the submission beans. */
public class Submission {

    public static final String DUPLICATE = "esimDuplicate";
    public static final String REPLAY_REJECTED = "esimReplayRejected";

    private final OrderStore store;

    public Submission(OrderStore store) {
        this.store = store;
    }

    /** Records the order; a known external_order_id leaves the body as the existing order's outcome. */
    public void record(Exchange exchange) {
        Order order = exchange.getIn().getBody(Order.class);
        Optional<OrderOutcome> existing = store.record(order);
        exchange.setProperty(DUPLICATE, existing.isPresent());
        existing.ifPresent(outcome -> exchange.getIn().setBody(outcome));
    }

    /**
     * Replay: reopens a FAILED order (body: its external_order_id), or a REJECTED one when the exchange property
     * esimReplayRejected is true (an operator confirmed it); false when it is in any other state.
     */
    public boolean reopen(@Body String externalOrderId, @ExchangeProperty(REPLAY_REJECTED) Boolean replayRejected) {
        return store.reopen(externalOrderId, Boolean.TRUE.equals(replayRejected));
    }

    public static void bind(CamelContext context, Settings settings, DataSource dataSource, RequestSigner signer) {
        Registry registry = context.getRegistry();
        Clock clock = registry.lookupByNameAndType("clock", Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            registry.bind("clock", clock);
        }
        RetryPolicy retryPolicy = new RetryPolicy(settings.getInt("esim.provider.max-attempts"),
                Duration.ofMillis(settings.getInt("esim.provider.retry-budget-ms")),
                Duration.ofMillis(settings.getInt("esim.provider.initial-delay-ms")),
                Double.parseDouble(settings.get("esim.provider.backoff-multiplier")),
                Duration.ofMillis(settings.getInt("esim.provider.max-delay-ms")),
                Double.parseDouble(settings.get("esim.provider.jitter")));
        // an order stays claimed by its sender for its whole retry budget, plus one slow attempt and a margin
        Duration claim = retryPolicy.budget()
                .plusMillis(settings.getInt("esim.provider.read-timeout-ms"))
                .plusSeconds(60);
        OrderStore store = new OrderStore(dataSource, clock, claim);
        ProviderCall providerCall = new ProviderCall(store, signer, clock, retryPolicy,
                new RequestRateLimiter(Double.parseDouble(settings.get("esim.provider.max-requests-per-second"))),
                settings.get("esim.provider.url"));
        registry.bind("orderStore", store);
        registry.bind("submission", new Submission(store));
        registry.bind("providerCall", providerCall);
        registry.bind("signProviderRequest", (Processor) providerCall::prepare);
    }
}
