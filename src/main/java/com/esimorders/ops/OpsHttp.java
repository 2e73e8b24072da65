package com.esimorders.ops;

import java.util.List;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The {@code ops-http} component: platform-http on the management server ({@code camel.management.port}, set from
 * {@code ESIM_MANAGEMENT_PORT}), where Camel also serves health and metrics. The routes of the operator API and page
 * use it, so that they move with health and metrics to the management port and only the webhook stays on the
 * public port. When both ports are the same (the default) it is the one embedded server.
 * <p>
 * Camel 4.18's platform-http engine binds every consumer to the main server; this engine binds its consumers to the
 * Vert.x router of the management port, which camel-platform-http-main's management server registers under the
 * port's router name.
 */
public final class OpsHttp extends ServiceSupport implements PlatformHttpEngine {

    private final int port;

    private OpsHttp(int port) {
        this.port = port;
    }

    public static PlatformHttpComponent component(int managementPort) {
        PlatformHttpComponent component = new PlatformHttpComponent();
        component.setEngine(new OpsHttp(managementPort));
        component.setHeaderFilterStrategy(new ResponseHeaders());
        return component;
    }

    /** Camel's HTTP header rules, except that a route may answer Cache-Control (no-store: nothing here is cached). */
    static final class ResponseHeaders extends HttpHeaderFilterStrategy {
        ResponseHeaders() {
            getOutFilter().remove("cache-control");
        }
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new VertxPlatformHttpConsumer(endpoint, processor, List.of(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
    }

    @Override
    public int getServerPort() {
        return port;
    }
}
