package com.esimorders;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed read access to the esim.* properties (which environment variables override). */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String get(String key) {
        return properties.resolveProperty(key).map(String::trim).orElse("");
    }

    public boolean isSet(String key) {
        return !get(key).isEmpty();
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(get(key));
    }

    /**
     * Production must not start on guesses: every credential must be given and the sandbox must be off.
     * Returns one message naming each problem, or an empty list.
     */
    public List<String> productionProblems() {
        List<String> problems = new ArrayList<>();
        requireSet(problems, "esim.access-key", "ESIM_ACCESS_KEY");
        requireSet(problems, "esim.secret-key", "ESIM_SECRET_KEY");
        requireSet(problems, "esim.webhook.token", "ESIM_WEBHOOK_TOKEN");
        requireSet(problems, "esim.db.url", "ESIM_DB_URL");
        if ("smtp".equals(get("esim.mail.mode"))) {
            requireSet(problems, "esim.smtp.host", "ESIM_SMTP_HOST");
        }
        requireSet(problems, "esim.mail.ops.to", "ESIM_MAIL_OPS_TO");
        if (getBoolean("esim.sandbox.enabled")) {
            problems.add("ESIM_SANDBOX_ENABLED (esim.sandbox.enabled) must be false: the sandbox simulator never runs in prod");
        }
        if (getBoolean("esim.broker.embedded")) {
            problems.add("ESIM_BROKER_EMBEDDED (esim.broker.embedded) must be false in prod: set ESIM_BROKER_URL instead");
        }
        return problems;
    }

    private void requireSet(List<String> problems, String key, String env) {
        if (!isSet(key)) {
            problems.add(env + " (" + key + ") is not set");
        }
    }
}
