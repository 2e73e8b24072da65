package com.esimorders.db;

import com.esimorders.Settings;
import com.esimorders.StopWithCamel;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database: the pool (migrated before anything uses it), the transactions the routes use as {@code #required},
 * and this instance's heartbeat row, which frees a killed instance's claims.
 */
public class DatabaseConfiguration implements CamelConfiguration {

    @BindToRegistry
    public HikariDataSource dataSource(CamelContext context, Settings settings) throws Exception {
        HikariDataSource dataSource = Database.start(settings);
        context.addService(new StopWithCamel(dataSource::close), true, true);
        if (Database.isEmbeddedH2File(settings.get("esim.db.url"))) {
            context.addService(new H2Housekeeping(dataSource), true, true);
        }
        HealthCheckRegistry.get(context).register(new DatabaseHealthCheck(dataSource));
        return dataSource;
    }

    /** The transaction of a route step ({@code transacted: {ref: required}}): joins one already running. */
    @BindToRegistry
    public SpringTransactionPolicy required(HikariDataSource dataSource) {
        return new SpringTransactionPolicy(new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }

    @BindToRegistry
    public Instances instances(CamelContext context, HikariDataSource dataSource,
            @PropertyInject("esim.instance.heartbeat-ms") int heartbeatMs,
            @PropertyInject("esim.instance.dead-after-ms") int deadAfterMs) throws Exception {
        Instances instances = new Instances(dataSource, Duration.ofMillis(heartbeatMs),
                Duration.ofMillis(deadAfterMs));
        context.addService(instances, true, true);
        return instances;
    }
}
