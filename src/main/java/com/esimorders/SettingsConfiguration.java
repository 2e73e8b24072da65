package com.esimorders;

import java.util.List;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * The first configuration: binds {@code settings}, the typed esim.* properties, once they are safe for the profile.
 * Every configuration that needs them takes {@link Settings} as a parameter, so nothing starts (no database, no
 * broker) in prod on missing or unsafe configuration.
 */
public class SettingsConfiguration implements CamelConfiguration {

    @BindToRegistry
    public Settings settings(CamelContext context) {
        Settings settings = new Settings(context);
        String profile = context.getCamelContextExtension().getProfile();
        List<String> problems = isProduction(profile) ? settings.productionProblems() : settings.developmentProblems();
        if (!problems.isEmpty()) {
            throw new MissingConfigurationException(isProduction(profile) ? "prod" : profile, problems);
        }
        return settings;
    }

    /** Camel Main reports the prod profile as "prod" or "production". */
    static boolean isProduction(String profile) {
        return profile == null || profile.startsWith("prod");
    }

    /** Thrown at startup in prod; its message names every missing or unsafe setting. */
    public static final class MissingConfigurationException extends IllegalStateException {
        public MissingConfigurationException(String profile, List<String> problems) {
            super("esim-orders cannot start in the " + profile + " profile: " + String.join("; ", problems));
        }
    }
}
