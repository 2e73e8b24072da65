package com.esimorders;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed read access to the esim.* properties (which environment variables override). */
public final class Settings {

    /** The provider's production API, which the dev profile refuses. */
    public static final String PRODUCTION_PROVIDER_URL = "https://api.esimstory.com/api";
    /** Shortest webhook token and operator token accepted in prod. */
    public static final int MIN_SECRET_LENGTH = 32;
    /** A webhook token is one segment of the webhook URL's path: characters that need no escaping there. */
    private static final Pattern URL_SAFE = Pattern.compile("[A-Za-z0-9._~-]+");

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
        List<String> problems = commonProblems();
        requireSet(problems, "esim.access-key", "ESIM_ACCESS_KEY");
        requireSet(problems, "esim.secret-key", "ESIM_SECRET_KEY");
        requireSet(problems, "esim.webhook.token", "ESIM_WEBHOOK_TOKEN");
        requireSet(problems, "esim.db.url", "ESIM_DB_URL");
        if ("smtp".equals(get("esim.mail.mode"))) { // any other mode is reported by commonProblems
            requireSet(problems, "esim.smtp.host", "ESIM_SMTP_HOST");
        }
        requireSet(problems, "esim.mail.ops.to", "ESIM_MAIL_OPS_TO");
        if (getBoolean("esim.sandbox.enabled")) {
            problems.add("ESIM_SANDBOX_ENABLED (esim.sandbox.enabled) must be false: the sandbox simulator never runs in prod");
        }
        if (getBoolean("esim.broker.embedded")) {
            problems.add("ESIM_BROKER_EMBEDDED (esim.broker.embedded) must be false in prod: set ESIM_BROKER_URL instead");
        }
        requireLongSecret(problems, "esim.webhook.token", "ESIM_WEBHOOK_TOKEN");
        requireLongSecret(problems, "esim.ops.token", "ESIM_OPS_TOKEN");
        return problems;
    }

    /** The dev profile never buys real eSIMs: it refuses the provider's production API. */
    public List<String> developmentProblems() {
        List<String> problems = commonProblems();
        String url = get("esim.provider.url").replaceAll("/+$", "");
        if (url.equalsIgnoreCase(PRODUCTION_PROVIDER_URL)) {
            problems.add("ESIM_PROVIDER_URL (esim.provider.url) is the provider's production API, which the dev profile"
                    + " never calls: use the sandbox, or run with CAMEL_MAIN_PROFILE=prod");
        }
        return problems;
    }

    /**
     * What no profile can run with: a mail mode other than smtp or file, a webhook token that cannot be a segment of
     * the webhook URL (so that no webhook would ever match it), a port another process holds (the HTTP server would
     * only log that it could not listen, and the instance would run without webhooks or health).
     */
    private List<String> commonProblems() {
        List<String> problems = new ArrayList<>();
        String mode = get("esim.mail.mode");
        if (!mode.equals("smtp") && !mode.equals("file")) {
            problems.add("ESIM_MAIL_MODE (esim.mail.mode) must be smtp or file, not \"" + mode + "\"");
        }
        if (isSet("esim.webhook.token") && !URL_SAFE.matcher(get("esim.webhook.token")).matches()) {
            problems.add("ESIM_WEBHOOK_TOKEN (esim.webhook.token) may hold only letters, digits and . _ ~ - (it is part"
                    + " of the webhook URL): use e.g. openssl rand -hex 32");
        }
        requireFreePort(problems, "esim.http.port", "ESIM_HTTP_PORT");
        if (!get("esim.management.port").equals(get("esim.http.port"))) {
            requireFreePort(problems, "esim.management.port", "ESIM_MANAGEMENT_PORT");
        }
        if (getBoolean("esim.broker.embedded")) {
            requireFreePort(problems, "esim.broker.embedded-port", "ESIM_BROKER_EMBEDDED_PORT");
        }
        return problems;
    }

    private void requireFreePort(List<String> problems, String key, String env) {
        int port = getInt(key);
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers bind: a port left in TIME_WAIT by a restart is free
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            problems.add(env + " (" + key + ") " + port + " is in use by another process (another instance?): "
                    + e.getMessage());
        }
    }

    /** A secret that is set must be long enough not to be guessed; an empty one is reported elsewhere, or is off. */
    private void requireLongSecret(List<String> problems, String key, String env) {
        if (isSet(key) && get(key).length() < MIN_SECRET_LENGTH) {
            problems.add(env + " (" + key + ") must be at least " + MIN_SECRET_LENGTH + " characters long");
        }
    }

    private void requireSet(List<String> problems, String key, String env) {
        if (!isSet(key)) {
            problems.add(env + " (" + key + ") is not set");
        }
    }
}
