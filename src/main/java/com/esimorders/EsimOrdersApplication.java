package com.esimorders;

import com.esimorders.db.DatabaseConfiguration;
import com.esimorders.file.FileConfiguration;
import com.esimorders.mail.EmailConfiguration;
import com.esimorders.ops.OpsConfiguration;
import com.esimorders.order.OrderConfiguration;
import com.esimorders.queue.QueueConfiguration;
import com.esimorders.sandbox.SandboxConfiguration;
import com.esimorders.submit.ProviderConfiguration;
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
                if (cause instanceof SettingsConfiguration.MissingConfigurationException) {
                    System.err.println("ERROR " + cause.getMessage());
                    System.exit(2);
                }
            }
            throw e;
        }
        System.exit(main.getExitCode());
    }

    /**
     * One configuration per capability. Each binds its beans with @BindToRegistry and takes the beans it needs as
     * parameters, so a configuration uses only beans of those listed before it: settings (checked for the profile)
     * first, then the database, then what builds on them. Within one configuration a bean may take another bean of
     * that configuration only when the other needs nothing from it (Camel orders those methods one level deep).
     * Instances, not classes: Camel Main (4.18) binds the beans of a configuration class twice (once when it creates
     * the instance, once more with the instances), so every bean was made twice (two pools, two heartbeats).
     */
    public static Main create(String profile) {
        Main main = new Main();
        main.configure().setProfile(profile);
        main.addMainListener(new DeveloperModeOff());
        main.configure().addConfiguration(new SettingsConfiguration());
        main.configure().addConfiguration(new DatabaseConfiguration());
        main.configure().addConfiguration(new HttpServerConfiguration());
        main.configure().addConfiguration(new OrderConfiguration());
        main.configure().addConfiguration(new ProviderConfiguration());
        main.configure().addConfiguration(new FileConfiguration());
        main.configure().addConfiguration(new QueueConfiguration());
        main.configure().addConfiguration(new WebhookConfiguration());
        main.configure().addConfiguration(new EmailConfiguration());
        main.configure().addConfiguration(new OpsConfiguration());
        main.configure().addConfiguration(new SandboxConfiguration());
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
