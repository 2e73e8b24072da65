package com.esimorders.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.Registry;
import org.apache.camel.util.TimeUtils;

/**
 * Operations: the operator API and page (routes/ops/, component ops-http on the management port), the business
 * metrics, and their beans. The API and page exist only when ESIM_OPS_TOKEN is set: routes read the derived
 * {{esim.ops.enabled}}.
 */
public class OpsConfiguration implements CamelConfiguration {

    /** Where camel-micrometer-prometheus and the micrometer component find the meter registry. */
    static final String METRICS_REGISTRY = "metricsRegistry";

    @PropertyInject("esim.ops.token")
    private String token;
    @PropertyInject("camel.management.port")
    private int managementPort;

    @BindToRegistry
    public OpsQueries opsQueries(DataSource dataSource,
            @PropertyInject("esim.webhook.overdue-after") String overdueAfter) {
        return new OpsQueries(dataSource, TimeUtils.toMilliSeconds(overdueAfter.trim()));
    }

    @BindToRegistry
    public OpsChecks opsChecks(OpsQueries opsQueries) {
        return new OpsChecks(opsQueries);
    }

    @BindToRegistry
    public OpsActions opsActions(@PropertyInject("esim.ops.max-running-actions") int maxRunningActions) {
        return new OpsActions(maxRunningActions);
    }

    @BindToRegistry
    public OpsToken opsToken() {
        return new OpsToken(token.trim());
    }

    @BindToRegistry
    public OpsJson opsJson() {
        return new OpsJson();
    }

    @BindToRegistry
    public OpsPage opsPage() {
        return new OpsPage();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        context.getPropertiesComponent().addOverrideProperty("esim.ops.enabled", String.valueOf(!token.isBlank()));
        context.addComponent("ops-http", OpsHttp.component(managementPort));

        // a test or an embedding application may bring its own meter registry
        Registry registry = context.getRegistry();
        MeterRegistry meters = registry.lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(METRICS_REGISTRY, meters);
        }
        registry.bind("businessGauges", new BusinessGauges(registry.findSingleByType(OpsQueries.class), meters));
        context.getManagementStrategy().addEventNotifier(new FlowMetrics(meters));
    }
}
