package com.esimorders.order;

import com.esimorders.PlanCatalogue;
import com.esimorders.db.Instances;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;

/** Orders: the plans sold, the order rules shared by every intake, the order-state store and the outcome events. */
public class OrderConfiguration implements CamelConfiguration {

    @BindToRegistry
    public PlanCatalogue planCatalogue(@PropertyInject("esim.plans.file") String plansFile) {
        return PlanCatalogue.load(plansFile.trim());
    }

    /** One set of order rules for the drop folder and the queue. */
    @BindToRegistry
    public OrderValidator orderValidator(@PropertyInject("esim.order.max-units") int maxUnits) {
        return new OrderValidator(maxUnits);
    }

    /**
     * A live sender holds an order for the provider's whole retry budget, plus one slow attempt and a margin; a
     * killed sender's orders are free as soon as its instance is seen dead.
     */
    @BindToRegistry
    public OrderStore orderStore(Registry registry, DataSource dataSource, Instances instances,
            @PropertyInject("esim.provider.retry-budget-ms") int retryBudgetMs,
            @PropertyInject("esim.provider.read-timeout-ms") int readTimeoutMs) {
        Duration claim = Duration.ofMillis(retryBudgetMs).plusMillis(readTimeoutMs).plusSeconds(60);
        return new OrderStore(dataSource, clock(registry), claim, instances);
    }

    @BindToRegistry
    public OrderEvents orderEvents(CamelContext context, DataSource dataSource,
            @PropertyInject("esim.results.queue") String resultsQueue) throws Exception {
        OrderEvents events = new OrderEvents(context, dataSource, resultsQueue.trim());
        context.addService(events, true, true);
        return events;
    }

    /** The clock of order timings; tests bind their own "clock" before start. */
    public static Clock clock(Registry registry) {
        Clock clock = registry.lookupByNameAndType("clock", Clock.class);
        return clock != null ? clock : Clock.systemUTC();
    }
}
