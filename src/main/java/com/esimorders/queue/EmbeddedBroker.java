package com.esimorders.queue;

import com.esimorders.Settings;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;

/** The dev profile's Artemis broker: persistent under the data folder, listening on TCP on loopback. */
public class EmbeddedBroker extends ServiceSupport {

    static final SimpleString EXPIRY_ADDRESS = SimpleString.of("ExpiryQueue");

    private final Settings settings;
    private EmbeddedActiveMQ broker;

    public EmbeddedBroker(Settings settings) {
        this.settings = settings;
    }

    @Override
    protected void doStart() throws Exception {
        Path dir = Path.of(settings.get("esim.data.dir"), "artemis").toAbsolutePath();
        ConfigurationImpl config = configuration("esim-orders-embedded", dir,
                settings.getInt("esim.broker.embedded-port"), settings.get("esim.orders.dlq"));
        config.addAddressSetting(settings.get("esim.orders.queue"), orderQueueSettings(settings));
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
    }

    /**
     * A persistent, unsecured broker in {@code dir} listening on 127.0.0.1:{@code port}: every address dead-letters to
     * {@code dlq} after 10 deliveries, a message whose time to live ran out goes to {@link #EXPIRY_ADDRESS} (as in
     * Artemis's own default broker.xml), queues are created on first use.
     */
    public static ConfigurationImpl configuration(String name, Path dir, int port, String dlq) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName(name);
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setBrokerInstance(dir.toFile());
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(dlq))
                .setExpiryAddress(EXPIRY_ADDRESS)
                .setMaxDeliveryAttempts(10)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true));
        return config;
    }

    /**
     * A message whose order cannot be recorded (the database is down) is rolled back: redelivered after a growing
     * delay, so an outage of many minutes sends nothing to the DLQ. The route, not the broker, decides when a
     * message has had enough deliveries (esim.jms.max-deliveries), so the broker allows one more.
     */
    static AddressSettings orderQueueSettings(Settings settings) {
        return new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(settings.get("esim.orders.dlq")))
                .setExpiryAddress(EXPIRY_ADDRESS)
                .setMaxDeliveryAttempts(settings.getInt("esim.jms.max-deliveries") + 1)
                .setRedeliveryDelay(settings.getInt("esim.jms.redelivery-delay-ms"))
                .setRedeliveryMultiplier(Double.parseDouble(settings.get("esim.jms.redelivery-multiplier")))
                .setMaxRedeliveryDelay(settings.getInt("esim.jms.max-redelivery-delay-ms"))
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true);
    }

    @Override
    protected void doStop() throws Exception {
        if (broker != null) {
            broker.stop();
        }
    }
}
