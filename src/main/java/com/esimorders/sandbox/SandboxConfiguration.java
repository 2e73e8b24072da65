package com.esimorders.sandbox;

import com.esimorders.PlanCatalogue;
import com.esimorders.Settings;
import com.esimorders.sandbox.SandboxFaults.Fault;
import java.net.URI;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The built-in simulator of the eSIM Story partner API, a dev-only part: when {@code esim.sandbox.enabled} is true
 * (never in prod) it binds {@code sandboxProvider} (used by routes/dev/sandbox-provider.camel.yaml) and
 * {@code sandboxFaults} (the runtime fault switches), and runs the webhook sender as a Camel service.
 */
public class SandboxConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Registry registry = context.getRegistry();
        Settings settings = registry.findSingleByType(Settings.class);
        if (!settings.getBoolean("esim.sandbox.enabled")) {
            return;
        }
        SandboxFaults faults = new SandboxFaults(faultDefaults(settings));
        String webhookUrl = settings.get("esim.sandbox.webhook-url");
        if (webhookUrl.isEmpty()) {
            throw new IllegalStateException("esim.sandbox.webhook-url (ESIM_SANDBOX_WEBHOOK_URL) is not set: the sandbox "
                    + "simulator needs the URL to deliver its webhooks to");
        }
        SandboxWebhooks webhooks = new SandboxWebhooks(context, new SandboxWebhooks.Delivery(URI.create(webhookUrl),
                settings.getInt("esim.sandbox.webhook-delay-ms"), settings.getInt("esim.sandbox.webhook-max-attempts"),
                settings.getInt("esim.sandbox.webhook-retry-delay-ms")), faults);
        context.addService(webhooks, true, true);
        context.getRegistry().bind("sandboxFaults", faults);
        context.getRegistry().bind("sandboxProvider", new SandboxProvider(settings.get("esim.sandbox.access-key"),
                decodeSecret(settings.get("esim.sandbox.secret-key")), registry.findSingleByType(PlanCatalogue.class),
                new JdbcTemplate(registry.findSingleByType(DataSource.class)), faults,
                webhooks, providerClock(context)));
    }

    /** The simulated provider's own clock; tests bind "sandboxClock" to skew it against ours. */
    private static Clock providerClock(CamelContext context) {
        Clock clock = context.getRegistry().lookupByNameAndType("sandboxClock", Clock.class);
        return clock != null ? clock : Clock.systemUTC();
    }

    /** An empty secret is a partner record without one: requests are then answered "Missing secret key ...". */
    private static byte[] decodeSecret(String base64) {
        if (base64.isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // never echo the secret itself
            throw new IllegalStateException("esim.sandbox.secret-key (ESIM_SANDBOX_SECRET_KEY) is not valid Base64");
        }
    }

    private static SandboxFaults.Defaults faultDefaults(Settings settings) {
        Map<Fault, Double> rates = new EnumMap<>(Fault.class);
        rates.put(Fault.RATE_LIMITED, rate(settings, "esim.sandbox.fault.rate-limit-rate"));
        rates.put(Fault.SERVER_ERROR, rate(settings, "esim.sandbox.fault.server-error-rate"));
        rates.put(Fault.UNAVAILABLE, rate(settings, "esim.sandbox.fault.unavailable-rate"));
        rates.put(Fault.ESIM_REQUEST_FAILED, rate(settings, "esim.sandbox.fault.esim-request-failed-rate"));
        rates.put(Fault.DROP_AFTER_ORDER, rate(settings, "esim.sandbox.fault.drop-after-order-rate"));
        return new SandboxFaults.Defaults(rates, settings.getInt("esim.sandbox.fault.latency-ms"),
                settings.getInt("esim.sandbox.fault.retry-after-seconds"),
                settings.getBoolean("esim.sandbox.fault.duplicate-webhooks"),
                settings.getBoolean("esim.sandbox.fault.reverse-webhook-order"));
    }

    private static double rate(Settings settings, String key) {
        double rate = Double.parseDouble(settings.get(key));
        if (rate < 0 || rate > 1) {
            throw new IllegalStateException(key + " must be between 0 and 1, was " + rate);
        }
        return rate;
    }
}
