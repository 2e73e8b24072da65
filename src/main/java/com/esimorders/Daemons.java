package com.esimorders;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background schedulers of the application's own services (heartbeat, housekeeping): one daemon thread each. */
public final class Daemons {

    private Daemons() {
    }

    /** A single-thread scheduler whose thread has {@code name} and does not keep the JVM alive. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
