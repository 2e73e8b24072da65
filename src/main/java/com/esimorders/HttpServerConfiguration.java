package com.esimorders;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

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
        context.addService(new StopWithCamel(vertx::close), true, true);
        return vertx;
    }
}
