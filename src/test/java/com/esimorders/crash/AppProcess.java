package com.esimorders.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/esim-orders.jar}) as a child JVM in the prod profile, configured only
 * through its environment, one log file per start ({@code app-1.log}, {@code app-2.log}, ...). {@link #kill()} is
 * SIGKILL; {@link #start()} again runs on the same folders and database, as a restart after a crash does.
 */
final class AppProcess implements AutoCloseable {

    /** Exit code of a process ended by SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(120);

    private final Path jar;
    private final Map<String, String> env;
    private final Path logDir;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Instant> healthyAt = new ArrayList<>();
    private Process process;
    private int starts;
    private Duration cpu = Duration.ZERO;

    AppProcess(Path jar, Map<String, String> env, Path logDir, int httpPort) {
        this.jar = jar;
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.httpPort = httpPort;
    }

    /** Starts the JVM and waits until GET /observe/health answers 200; returns how long that took. */
    synchronized Duration start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the application is already running");
        }
        starts++;
        Path log = logDir.resolve("app-" + starts + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString())
                .directory(logDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // only the configuration given here: nothing inherited from the build's environment
        builder.environment().keySet().removeIf(name -> name.startsWith("ESIM_") || name.startsWith("CAMEL_"));
        builder.environment().putAll(env);
        Instant started = Instant.now();
        process = builder.start();
        awaitHealthy(log);
        return Duration.between(started, healthyAt.get(healthyAt.size() - 1));
    }

    /** SIGKILL (Process.destroyForcibly on Linux), and waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        Process running = process;
        addCpuTime();
        running.destroyForcibly();
        if (!running.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the application did not end within 30 s of SIGKILL");
        }
        if (running.exitValue() != SIGKILL_EXIT) {
            throw new IllegalStateException("the application ended with exit code " + running.exitValue()
                    + " instead of " + SIGKILL_EXIT + " (SIGKILL): it had stopped before the kill, see " + currentLog());
        }
    }

    /** A polite stop (SIGTERM: Camel drains and closes the database), SIGKILL after 45 s. */
    synchronized void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        addCpuTime();
        process.destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The exit code of the latest JVM once it has ended (143 = SIGTERM, 137 = SIGKILL), else -1. */
    synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** When GET /observe/health first answered 200 after the latest start. */
    synchronized Instant lastHealthyAt() {
        return healthyAt.get(healthyAt.size() - 1);
    }

    /** True when GET /observe/health answers 200 now. */
    boolean healthy() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/observe/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits (bounded) until health answers 200 again, e.g. after the database came back; records the time. */
    synchronized void awaitHealthyAgain() throws InterruptedException {
        awaitHealthy(currentLog());
    }

    /** CPU time the application's JVMs used, up to their kill or stop. */
    synchronized Duration cpuTime() {
        return cpu;
    }

    private void addCpuTime() {
        cpu = cpu.plus(process.info().totalCpuDuration().orElse(Duration.ZERO));
    }

    Path currentLog() {
        return logDir.resolve("app-" + starts + ".log");
    }

    int starts() {
        return starts;
    }

    private void awaitHealthy(Path log) throws InterruptedException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with code " + process.exitValue()
                        + " before its health answered 200; see " + log);
            }
            if (healthy()) {
                healthyAt.add(Instant.now());
                return;
            }
            Thread.sleep(200); // polling interval
        }
        throw new IllegalStateException("the application's health did not answer 200 within " + HEALTHY_WITHIN
                + "; see " + log);
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
