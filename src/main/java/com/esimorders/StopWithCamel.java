package com.esimorders;

import org.apache.camel.support.service.ServiceSupport;

/** Runs a close action when the Camel context stops (for resources created outside Camel: pool, Vert.x). */
public final class StopWithCamel extends ServiceSupport {

    private final Runnable close;

    public StopWithCamel(Runnable close) {
        this.close = close;
    }

    @Override
    protected void doStop() {
        close.run();
    }
}
