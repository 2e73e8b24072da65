package com.esimorders;

import com.esimorders.ops.OpsConfiguration;
import com.esimorders.webhook.WebhookConfiguration;
import org.apache.camel.main.Main;

/** Starts the route bundle. The profile comes from -Dcamel.main.profile or CAMEL_MAIN_PROFILE; default dev. */
public final class EsimOrdersApplication {

    private EsimOrdersApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = create(resolveProfile());
        try {
            main.run(args);
        } catch (Exception e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof AppConfiguration.MissingConfigurationException) {
                    System.err.println("ERROR " + cause.getMessage());
                    System.exit(2);
                }
            }
            throw e;
        }
        System.exit(main.getExitCode());
    }

    public static Main create(String profile) {
        Main main = new Main();
        main.configure().setProfile(profile);
        main.configure().addConfiguration(AppConfiguration.class);
        main.configure().addConfiguration(WebhookConfiguration.class);
        main.configure().addConfiguration(OpsConfiguration.class);
        return main;
    }

    static String resolveProfile() {
        String profile = System.getProperty("camel.main.profile");
        if (profile == null || profile.isBlank()) {
            profile = System.getenv("CAMEL_MAIN_PROFILE");
        }
        return profile == null || profile.isBlank() ? "dev" : profile.trim();
    }
}
