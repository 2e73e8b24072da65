package com.esimorders.ops;

import com.esimorders.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.util.TimeUtils;

/**
 * Operations: the operator API and page (routes/ops-*.camel.yaml, component ops-http on the management port), the
 * business metrics, and their beans (#opsToken, #opsChecks, #opsJson, #opsPage, #businessGauges).
 * The API and page exist only when ESIM_OPS_TOKEN is set: routes read the derived {{esim.ops.enabled}}.
 */
public class OpsConfiguration implements CamelConfiguration {

    /** Where camel-micrometer-prometheus and the micrometer component find the meter registry. */
    static final String METRICS_REGISTRY = "metricsRegistry";

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType("dataSource", DataSource.class);

        OpsQueries queries = new OpsQueries(dataSource,
                TimeUtils.toMilliSeconds(settings.get("esim.webhook.overdue-after")));
        registry.bind("opsQueries", queries);
        registry.bind("opsChecks", new OpsChecks(queries));
        registry.bind("opsToken", new OpsToken(settings.get("esim.ops.token")));
        registry.bind("opsJson", new OpsJson());
        registry.bind("opsPage", new OpsPage());
        context.getPropertiesComponent().addOverrideProperty("esim.ops.enabled",
                String.valueOf(settings.isSet("esim.ops.token")));
        int managementPort = Integer.parseInt(context.resolvePropertyPlaceholders("{{camel.management.port}}"));
        context.addComponent("ops-http", OpsHttp.component(managementPort));

        MeterRegistry meters = registry.lookupByNameAndType(METRICS_REGISTRY, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(METRICS_REGISTRY, meters);
        }
        registry.bind("businessGauges", new BusinessGauges(queries, meters));
        context.getManagementStrategy().addEventNotifier(new FlowMetrics(meters));
    }
}
