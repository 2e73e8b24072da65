package com.esimorders;

import com.esimorders.db.Database;
import com.esimorders.db.Instances;
import com.esimorders.health.BrokerHealthCheck;
import com.esimorders.health.DatabaseHealthCheck;
import com.esimorders.intake.Intake;
import com.esimorders.jms.EmbeddedBroker;
import com.esimorders.sandbox.SandboxSimulator;
import com.esimorders.signing.RequestSigner;
import com.esimorders.submit.Submission;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires what YAML should not: the database (pool, migrations, transactions), the broker and the signer.
 * Beans bound here are used by name from the routes (#dataSource, #required, ...).
 */
public class AppConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        String profile = context.getCamelContextExtension().getProfile();
        List<String> problems = isProduction(profile) ? settings.productionProblems() : settings.developmentProblems();
        if (!problems.isEmpty()) {
            throw new MissingConfigurationException(isProduction(profile) ? "prod" : profile, problems);
        }

        bindHttpServerThreads(context, settings.getInt("esim.http.worker-threads"));
        HikariDataSource dataSource = Database.start(settings);
        context.addService(new StopWithCamel(dataSource::close), true, true);
        DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(dataSource);
        context.getRegistry().bind("dataSource", dataSource);
        context.getRegistry().bind("transactionManager", transactionManager);
        context.getRegistry().bind("required", new SpringTransactionPolicy(new TransactionTemplate(transactionManager)));

        Instances instances = new Instances(dataSource,
                Duration.ofMillis(settings.getInt("esim.instance.heartbeat-ms")),
                Duration.ofMillis(settings.getInt("esim.instance.dead-after-ms")));
        context.getRegistry().bind("instances", instances);
        context.addService(instances, true, true);

        RequestSigner signer = new RequestSigner(settings.get("esim.access-key"), settings.get("esim.secret-key"));
        context.getRegistry().bind("requestSigner", signer);
        Submission.bind(context, settings, dataSource, signer, instances);
        // the queue intake and the outcome events run only with a broker: routes read {{esim.jms.enabled}}
        context.getPropertiesComponent().addOverrideProperty("esim.jms.enabled",
                String.valueOf(settings.isSet("esim.broker.url")));
        Intake.bind(context, settings, dataSource);

        PlanCatalogue planCatalogue = PlanCatalogue.load(settings.get("esim.plans.file"));
        context.getRegistry().bind("planCatalogue", planCatalogue);
        if (settings.getBoolean("esim.sandbox.enabled")) {
            SandboxSimulator.install(context, settings, dataSource, planCatalogue);
        }

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(new DatabaseHealthCheck(dataSource));

        if (settings.getBoolean("esim.broker.embedded")) {
            context.addService(new EmbeddedBroker(settings), true, true);
        }
        if (settings.isSet("esim.broker.url")) {
            ConnectionFactory connectionFactory = new ActiveMQConnectionFactory(settings.get("esim.broker.url"),
                    emptyToNull(settings.get("esim.broker.user")), emptyToNull(settings.get("esim.broker.password")));
            CachingConnectionFactory caching = new CachingConnectionFactory(connectionFactory);
            caching.setSessionCacheSize(10);
            context.getRegistry().bind("jmsConnectionFactory", caching);
            context.getComponent("jms", JmsComponent.class).setConnectionFactory(caching);
            health.register(new BrokerHealthCheck(connectionFactory));
        }
    }

    /**
     * The embedded HTTP server runs blocking route work (webhook transactions) on Vert.x worker threads; a bounded
     * pool, sized with the database pool (see README), instead of Vert.x's default of 20.
     */
    private static void bindHttpServerThreads(CamelContext context, int workerThreads) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(workerThreads));
        context.getRegistry().bind("vertx", vertx);
        context.addService(new StopWithCamel(vertx::close), true, true);
    }

    /** Camel Main reports the prod profile as "prod" or "production". */
    static boolean isProduction(String profile) {
        return profile == null || profile.startsWith("prod");
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    /** Thrown at startup in prod; its message names every missing or unsafe setting. */
    public static final class MissingConfigurationException extends IllegalStateException {
        public MissingConfigurationException(String profile, List<String> problems) {
            super("esim-orders cannot start in the " + profile + " profile: " + String.join("; ", problems));
        }
    }
}
