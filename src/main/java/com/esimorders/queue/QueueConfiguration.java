package com.esimorders.queue;

import com.esimorders.Settings;
import com.esimorders.order.OrderValidator;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The order queue: reading order messages, and the broker. The queue intake and the outcome events run only with
 * a broker (esim.broker.url): the routes read the derived {{esim.jms.enabled}}.
 */
public class QueueConfiguration implements CamelConfiguration {

    @BindToRegistry
    public OrderMessages orderMessages(OrderValidator orderValidator) {
        return new OrderMessages(orderValidator);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = context.getRegistry().findSingleByType(Settings.class);
        boolean withBroker = settings.isSet("esim.broker.url");
        context.getPropertiesComponent().addOverrideProperty("esim.jms.enabled", String.valueOf(withBroker));
        if (settings.getBoolean("esim.broker.embedded")) {
            context.addService(new EmbeddedBroker(settings), true, true);
        }
        if (withBroker) {
            ConnectionFactory connectionFactory = new ActiveMQConnectionFactory(settings.get("esim.broker.url"),
                    emptyToNull(settings.get("esim.broker.user")), emptyToNull(settings.get("esim.broker.password")));
            CachingConnectionFactory caching = new CachingConnectionFactory(connectionFactory);
            caching.setSessionCacheSize(10);
            context.getRegistry().bind("jmsConnectionFactory", caching);
            context.getComponent("jms", JmsComponent.class).setConnectionFactory(caching);
            HealthCheckRegistry.get(context).register(new BrokerHealthCheck(connectionFactory));
        }
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
