package com.esimorders.submit;

import com.esimorders.Settings;
import com.esimorders.order.OrderConfiguration;
import com.esimorders.order.OrderStore;
import com.esimorders.signing.RequestSigner;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;

/** Sending orders to the provider: who sends an order (submission), and each signed, redelivered attempt. */
public class ProviderConfiguration implements CamelConfiguration {

    @BindToRegistry
    public RequestSigner requestSigner(@PropertyInject("esim.access-key") String accessKey,
            @PropertyInject("esim.secret-key") String secretKey) {
        return new RequestSigner(accessKey.trim(), secretKey.trim());
    }

    @BindToRegistry
    public RetryPolicy providerRetryPolicy(@PropertyInject("esim.provider.max-attempts") int maxAttempts,
            @PropertyInject("esim.provider.retry-budget-ms") int budgetMs,
            @PropertyInject("esim.provider.initial-delay-ms") int initialDelayMs,
            @PropertyInject("esim.provider.backoff-multiplier") double multiplier,
            @PropertyInject("esim.provider.max-delay-ms") int maxDelayMs,
            @PropertyInject("esim.provider.jitter") double jitter) {
        return new RetryPolicy(maxAttempts, Duration.ofMillis(budgetMs), Duration.ofMillis(initialDelayMs), multiplier,
                Duration.ofMillis(maxDelayMs), jitter);
    }

    @BindToRegistry
    public ProviderCall providerCall(Registry registry, OrderStore orderStore, RequestSigner requestSigner,
            RetryPolicy providerRetryPolicy,
            @PropertyInject("esim.provider.max-requests-per-second") double maxRequestsPerSecond,
            @PropertyInject("esim.provider.url") String providerUrl,
            @PropertyInject("esim.db.outage-patience-ms") int outagePatienceMs) {
        return new ProviderCall(orderStore, requestSigner, OrderConfiguration.clock(registry), providerRetryPolicy,
                new RequestRateLimiter(maxRequestsPerSecond), providerUrl.trim(), Duration.ofMillis(outagePatienceMs));
    }

    @BindToRegistry
    public ProviderSlots providerSlots(@PropertyInject("esim.provider.max-concurrent") int maxConcurrent) {
        return new ProviderSlots(maxConcurrent);
    }

    /**
     * The queue's order senders default to twice the provider's slots: a sender stores the answer and publishes the
     * outcome after giving its slot back, and meanwhile another sender's order takes the slot.
     */
    @Override
    public void configure(CamelContext context) {
        Settings settings = context.getRegistry().findSingleByType(Settings.class);
        if (!settings.isSet("esim.provider.sender-threads")) {
            context.getPropertiesComponent().addOverrideProperty("esim.provider.sender-threads",
                    String.valueOf(2 * settings.getInt("esim.provider.max-concurrent")));
        }
    }

    /** Waits up to twice the time an instance takes to be seen dead for an order left unfinished by its holder. */
    @BindToRegistry
    public Submission submission(OrderStore orderStore,
            @PropertyInject("esim.instance.dead-after-ms") int deadAfterMs) {
        return new Submission(orderStore, Duration.ofMillis(deadAfterMs).multipliedBy(2));
    }
}
