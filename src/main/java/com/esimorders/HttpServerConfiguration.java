package com.esimorders;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.LifecycleStrategySupport;

/** The embedded HTTP server of platform-http (webhooks, and the simulator in dev). */
public class HttpServerConfiguration implements CamelConfiguration {

    /**
     * The server runs blocking route work (webhook transactions) on Vert.x worker threads: a bounded pool, sized
     * with the database pool (see docs/configuration.md), instead of Vert.x's default of 20.
     */
    @BindToRegistry
    public Vertx vertx(CamelContext context, @PropertyInject("esim.http.worker-threads") int workerThreads)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(workerThreads));
        // closed once the context has stopped: the platform-http server, created before this bean and so stopped after
        // any service added here, still needs Vert.x to stop (it logged a WARN on every shutdown)
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                vertx.close();
            }
        });
        return vertx;
    }
}
