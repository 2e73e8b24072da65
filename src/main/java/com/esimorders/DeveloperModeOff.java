package com.esimorders;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Turns off two of the aids Camel Main switches on for a profile named "dev" that cost CPU on every message: message
 * history (a record per processor per exchange) and browsable in-flight exchanges. Camel Main (4.18) applies its dev
 * settings after it has read the properties, so {@code camel.main.message-history = false} in
 * application-dev.properties was overridden; this runs after that, before the routes are built.
 */
final class DeveloperModeOff extends MainListenerSupport {

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        if ("dev".equals(context.getCamelContextExtension().getProfile())) {
            context.setMessageHistory(false);
            context.getInflightRepository().setInflightBrowseEnabled(false);
        }
    }
}
