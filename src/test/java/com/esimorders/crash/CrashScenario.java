package com.esimorders.crash;

import com.esimorders.TestApp;
import com.esimorders.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Drives one crash scenario against the packaged application in a child JVM: the provider stand-in, GreenMail, a
 * 2,000-line drop file, disruptions (SIGKILL and restart, or a PostgreSQL restart) at chosen moments, then the wait
 * until everything is done and the checks of {@link CrashChecks}.
 * <p>
 * Everything a run leaves is under {@code target/crash/<scenario>-<h2|pg>/}: {@code app-N.log} per start, the drop
 * folders, the H2 files. A summary line goes to {@code target/crash/summary.txt}.
 * <p>
 * After every disruption, while the application is dead (or right after PostgreSQL is back), the database is read
 * directly: an eSIM whose email GreenMail already has but whose {@code mail_outbox} row is not {@code SENT} was in
 * flight; only such emails may arrive twice.
 */
final class CrashScenario implements AutoCloseable {

    static final String ACCESS_KEY = "crash-suite-access-key";
    static final Path CRASH_DIR = Path.of(System.getProperty("esim.crash.dir", "target/crash"));
    private static final Path JAR = Path.of(System.getProperty("esim.crash.jar", "target/esim-orders.jar"));
    /** How long a disruption's trigger may take to be reached. */
    private static final Duration TRIGGER_WITHIN = Duration.ofMinutes(2);
    /**
     * How long to wait, after the last disruption, for every order, webhook and email: twice the 1 minute the checks
     * allow for catching up, so that a slow catch-up is reported with what is still pending.
     */
    static final Duration FINISH_WITHIN = Duration.ofSeconds(Integer.getInteger("esim.crash.finish-within-seconds", 120));
    /**
     * The wait ends early when nothing moves for this long. Longer than the longest legitimate pause: an order the
     * killed instance was sending is claimed for 75 s (see the environment below) before recovery sends it again.
     */
    static final Duration STALL_LIMIT = Duration.ofSeconds(Integer.getInteger("esim.crash.stall-seconds", 90));
    /** ESIM_INSTANCE_DEAD_AFTER_MS (a scenario may set a shorter one): a killed instance's claims are free after it */
    static final Duration INSTANCE_DEAD_AFTER = Duration.ofSeconds(20);
    /**
     * An email the killed instance handed to SMTP before it could mark it SENT is sent again once that instance is
     * seen dead, at the next outbox poll (1 s here; 5 s allowed): the wait does not end sooner after a kill, or the
     * check that every outbox row ends SENT would race that resend.
     */
    static final Duration KILLED_CLAIMS_FREE_AFTER = INSTANCE_DEAD_AFTER.plusSeconds(5);

    private final String name;
    private final Path dir;
    private final Path work;
    private final OrderFile orders;
    private final MailCatcher mail;
    private final WebhookSender webhooks;
    private final ProviderStandIn provider;
    private final AppDatabase database;
    private final AppProcess app;
    private final List<String> disruptions = new ArrayList<>();
    /** how long each restart took until healthy (after a kill, or until healthy again after PostgreSQL came back) */
    private final List<String> recoveries = new ArrayList<>();
    /** topup_id -> the disruptions at which its email was in flight (received, outbox row not SENT) */
    private final Map<String, List<String>> inFlight = new TreeMap<>();
    private Instant dropped;
    /** When the application was last SIGKILLed (null before the first kill). */
    private Instant lastKill;
    /** ESIM_HTTP_PORT: webhooks, health and /observe/metrics */
    private int httpPort;
    private boolean finished;
    private boolean exitedByItself;
    private int exitCode = -1;
    /** logs the progress every 5 s while the scenario runs */
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "crash-progress");
        thread.setDaemon(true);
        return thread;
    });

    private CrashScenario(String name, Path dir, OrderFile orders, MailCatcher mail, WebhookSender webhooks,
            ProviderStandIn provider, AppDatabase database, AppProcess app) {
        this.name = name;
        this.dir = dir;
        this.work = dir.resolve("work");
        this.orders = orders;
        this.mail = mail;
        this.webhooks = webhooks;
        this.provider = provider;
        this.database = database;
        this.app = app;
    }

    /** Sets everything up and starts the application (healthy). */
    static CrashScenario start(String name, int orderCount) throws Exception {
        return start(name, orderCount, Map.of());
    }

    /**
     * As {@link #start(String, int)}, with {@code extraEnv} added to (or overriding) the application's environment,
     * e.g. ESIM_BROKER_URL.
     */
    static CrashScenario start(String name, int orderCount, Map<String, String> extraEnv) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run `mvn -B package -DskipTests` first");
        }
        String db = TestDatabase.isPostgres() ? "pg" : "h2";
        Path dir = CRASH_DIR.resolve(name + "-" + db).toAbsolutePath();
        deleteRecursively(dir);
        Files.createDirectories(dir);

        SecureRandom random = new SecureRandom();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getEncoder().encodeToString(secretBytes);
        byte[] tokenBytes = new byte[24];
        random.nextBytes(tokenBytes);
        String token = HexFormat.of().formatHex(tokenBytes); // 48 characters

        int httpPort = TestApp.freePort();
        MailCatcher mail = new MailCatcher(TestApp.freePort());
        WebhookSender webhooks = new WebhookSender(
                URI.create("http://127.0.0.1:" + httpPort + "/webhooks/esim/" + token),
                8, Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(120));
        ProviderStandIn provider = new ProviderStandIn(ACCESS_KEY, secret, Set.copyOf(OrderFile.packagedOptionIds()),
                webhooks);
        String[] credentials = TestDatabase.isPostgres() ? TestDatabase.create()
                : new String[] {"jdbc:h2:file:" + dir.resolve("db").resolve("esim"), "sa", ""};
        AppDatabase database = new AppDatabase(credentials[0], credentials[1], credentials[2]);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("CAMEL_MAIN_PROFILE", "prod");
        env.put("ESIM_ACCESS_KEY", ACCESS_KEY);
        env.put("ESIM_SECRET_KEY", secret);
        env.put("ESIM_WEBHOOK_TOKEN", token);
        env.put("ESIM_DB_URL", credentials[0]); // the application is responsible for H2's durability settings
        env.put("ESIM_DB_USER", credentials[1]);
        env.put("ESIM_DB_PASSWORD", credentials[2]);
        // above the HTTP worker threads (16) plus the intake parallelism (16), as the README asks
        env.put("ESIM_DB_POOL_SIZE", "40");
        env.put("ESIM_MAIL_OPS_TO", "ops@example.com");
        env.put("ESIM_MAIL_MODE", "smtp");
        env.put("ESIM_SMTP_HOST", "127.0.0.1");
        env.put("ESIM_SMTP_PORT", String.valueOf(mail.port()));
        env.put("ESIM_SMTP_SECURITY", "none");
        env.put("ESIM_PROVIDER_URL", provider.baseUrl());
        env.put("ESIM_HTTP_PORT", String.valueOf(httpPort));
        env.put("ESIM_WORK_DIR", dir.resolve("work").toString());
        env.put("ESIM_DATA_DIR", dir.resolve("data").toString());
        env.put("ESIM_PROVIDER_MAX_CONCURRENT", "16");
        env.put("ESIM_INTAKE_PARALLELISM", "16");
        env.put("ESIM_INTAKE_POLL_INTERVAL_MS", "200");
        env.put("ESIM_INTAKE_READ_LOCK_CHECK_INTERVAL_MS", "200");
        env.put("ESIM_RECOVERY_INITIAL_DELAY_MS", "1000");
        env.put("ESIM_RECOVERY_INTERVAL_MS", "2000");
        env.put("ESIM_PROVIDER_INITIAL_DELAY_MS", "200");
        env.put("ESIM_MAIL_POLL_INTERVAL", "1s");
        env.put("ESIM_MAIL_RETRY_INITIAL_DELAY", "1s");
        // a killed instance's drop-file lock is taken over after 5 s (default 60 s), so that a scenario ends within
        // minutes; its orders and emails are free once it is seen dead
        env.put("ESIM_INTAKE_LOCK_KEEP_ALIVE_MS", "1000");
        env.put("ESIM_INTAKE_LOCK_MAX_AGE_MS", "5000");
        env.put("ESIM_INSTANCE_DEAD_AFTER_MS", String.valueOf(INSTANCE_DEAD_AFTER.toMillis()));
        env.putAll(extraEnv);

        OrderFile orders = OrderFile.generate(Long.toString(System.currentTimeMillis(), 36).toUpperCase(), orderCount);
        AppProcess app = new AppProcess(JAR, env, dir, httpPort);
        CrashScenario scenario = new CrashScenario(name, dir, orders, mail, webhooks, provider, database, app);
        scenario.httpPort = httpPort;
        Duration startup;
        try {
            startup = app.start();
        } catch (Exception | Error e) {
            scenario.close(); // the JVM, if it is still starting, and the servers
            throw e;
        }
        scenario.log("started (" + (database.isH2() ? "H2 file" : "PostgreSQL") + "), healthy in " + seconds(startup));
        return scenario;
    }

    ProviderStandIn provider() {
        return provider;
    }

    AppDatabase database() {
        return database;
    }

    /** The application's HTTP port (webhooks, /observe/health, /observe/metrics) on 127.0.0.1. */
    int httpPort() {
        return httpPort;
    }

    /**
     * Marks the moment the load was handed to the application by other means than the drop file (log times count
     * from it, as from the drop), and logs {@code what}.
     */
    void loadHandedOver(String what) {
        dropped = Instant.now();
        log(what);
    }

    WebhookSender webhooks() {
        return webhooks;
    }

    int orderCount() {
        return orders.size();
    }

    /** Moves the drop file into the inbox (written under a temporary name first). */
    void dropOrders() throws IOException {
        orders.dropInto(work.resolve("inbox"), dir.resolve("staging"));
        dropped = Instant.now();
        log("dropped " + orders.name() + " (" + orders.size() + " orders)");
        ticker.scheduleWithFixedDelay(() -> log(progress()), 5, 5, TimeUnit.SECONDS);
    }

    /** Waits until {@code trigger} holds, SIGKILLs the application, reads the database, restarts it. */
    void killAndRestartWhen(String point, String when, BooleanSupplier trigger) throws Exception {
        awaitTrigger(point, when, trigger);
        String at = sinceDrop();
        String progress = progress();
        app.kill();
        afterKill(point, at, point + " (" + when + ") at " + at + ": " + progress);
    }

    /**
     * SIGKILLs the application on the stand-in's sender thread right after the next webhook answered 200 (before
     * that thread does anything else), reads the database, restarts it.
     */
    void killRightAfterAWebhookAndRestart(String point) throws Exception {
        CompletableFuture<String> killed = new CompletableFuture<>();
        AtomicBoolean armed = new AtomicBoolean(true);
        webhooks.onAnswered200(topupId -> {
            if (armed.compareAndSet(true, false)) {
                try {
                    app.kill();
                    killed.complete(topupId);
                } catch (Exception | Error e) {
                    killed.completeExceptionally(e);
                }
            }
        });
        String topupId;
        try {
            topupId = killed.get(TRIGGER_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("kill point " + point + " was never reached: no webhook was answered 200 within "
                    + TRIGGER_WITHIN + " (" + progress() + "; application alive: " + app.isAlive() + ")");
        } catch (ExecutionException e) {
            throw new IllegalStateException("kill point " + point + ": the kill failed", e.getCause());
        } finally {
            webhooks.onAnswered200(null);
        }
        String at = sinceDrop();
        afterKill(point, at, point + " (right after the 200 for topup_id " + topupId + ") at " + at + ": "
                + progress());
    }

    /**
     * Waits until {@code trigger} holds, stops PostgreSQL in immediate mode, waits 5 s, starts it again (both shell
     * commands run with bash -c), reads the database and waits until the application is healthy again. The
     * application keeps running throughout.
     */
    void restartDatabaseWhen(String point, String when, BooleanSupplier trigger, String stopCommand,
            String startCommand) throws Exception {
        awaitTrigger(point, when, trigger);
        String at = sinceDrop();
        String progress = progress();
        shell(stopCommand, dir.resolve("postgres-" + point + "-stop.log"));
        Thread.sleep(5_000); // the outage itself, not a wait for a condition
        shell(startCommand, dir.resolve("postgres-" + point + "-start.log"));
        Instant started = Instant.now();
        recordInFlight(point, database.snapshot());
        app.awaitHealthyAgain();
        recoveries.add(seconds(Duration.between(started, app.lastHealthyAt())).replace(" ", ""));
        log("disruption " + point + " (" + when + ") at " + at + ": " + progress
                + "; PostgreSQL stopped (immediate) for 5 s, application healthy again at " + sinceDrop());
        disruptions.add(point + "@" + at);
    }

    /**
     * Waits (bounded) until every order is taken, every webhook answered 200, every eSIM emailed and the results
     * file written; stops the application politely; reads the database; checks everything and writes the summary.
     */
    void awaitCompletionAndVerify() throws Exception {
        try {
            awaitCompletion();
        } finally {
            ticker.shutdownNow();
        }
        app.stop();
        AppDatabase.Snapshot end = database.snapshot();
        CrashChecks checks = new CrashChecks(this, end, finished, exitedByItself);
        checks.run();
        writeSummary(checks);
        checks.assertAll();
    }

    private void awaitCompletion() {
        Instant waitFrom = Instant.now();
        Stall stall = new Stall();
        finished = waitUntil(FINISH_WITHIN, Duration.ofSeconds(1),
                () -> everythingDone() || !app.isAlive() || stall.stalled()) && everythingDone() && app.isAlive();
        exitedByItself = !app.isAlive();
        exitCode = app.exitCode();
        Duration waited = Duration.between(waitFrom, Instant.now());
        log((finished ? "finished" : "NOT finished") + " " + seconds(waited) + " after the last disruption"
                + (stall.stalled() ? " (no progress for " + seconds(STALL_LIMIT) + ")" : "") + ": " + progress());
    }

    // --- what CrashChecks reads ---

    String name() {
        return name;
    }

    OrderFile orders() {
        return orders;
    }

    MailCatcher mail() {
        return mail;
    }

    Path work() {
        return work;
    }

    AppProcess app() {
        return app;
    }

    /** Exit code of the application if it ended during the final wait (not stopped by the test), else -1. */
    int exitCodeDuringWait() {
        return exitCode;
    }

    boolean isH2() {
        return database.isH2();
    }

    List<String> disruptions() {
        return List.copyOf(disruptions);
    }

    List<String> recoveries() {
        return List.copyOf(recoveries);
    }

    Map<String, List<String>> inFlight() {
        return inFlight;
    }

    /** Time since the drop file was moved into the inbox. */
    Duration sinceDropped() {
        return dropped == null ? Duration.ZERO : Duration.between(dropped, Instant.now());
    }

    Path resultsFile() {
        return work.resolve("out").resolve(orders.name() + ".results.csv");
    }

    Path doneFile() {
        return work.resolve("done").resolve(orders.name());
    }

    String progress() {
        return "taken " + provider.ordersTaken() + "/" + orders.size() + ", webhooks answered 200 "
                + webhooks.answeredCount() + "/" + webhooks.scheduledCount() + ", emails " + mail.messages()
                + " (distinct eSIMs " + mail.distinctTopupIds() + ")";
    }

    // --- internals ---

    private boolean everythingDone() {
        Set<String> issued = provider.issuedTopupIds().keySet();
        return provider.ordersTaken() >= orders.size()
                && webhooks.answeredCount() + webhooks.gaveUp().size() >= issued.size()
                && mail.receivedTopupIds().containsAll(issued)
                && Files.exists(resultsFile())
                && Files.exists(doneFile())
                && (lastKill == null
                        || Duration.between(lastKill, Instant.now()).compareTo(KILLED_CLAIMS_FREE_AFTER) >= 0);
    }

    private void afterKill(String point, String at, String description) throws Exception {
        lastKill = Instant.now();
        recordInFlight(point, database.snapshot());
        Duration startup = app.start();
        recoveries.add(seconds(startup).replace(" ", ""));
        log("killed " + description + "; restarted, healthy in " + seconds(startup));
        disruptions.add(point + "@" + at);
    }

    /** True once the progress (orders taken, webhooks answered, emails, results file) has not changed for the limit. */
    private final class Stall {
        private String last = "";
        private Instant changed = Instant.now();

        boolean stalled() {
            String now = progress() + Files.exists(resultsFile()) + Files.exists(doneFile());
            if (!now.equals(last)) {
                last = now;
                changed = Instant.now();
            }
            return Duration.between(changed, Instant.now()).compareTo(STALL_LIMIT) >= 0;
        }
    }

    /** Emails GreenMail has whose outbox row is not SENT (or missing): in flight at this disruption. */
    private void recordInFlight(String point, AppDatabase.Snapshot snapshot) {
        // the received set is read after the snapshot: with a live application it can only grow, so nothing in flight
        // is missed (an email sent normally in between may be counted too: that only permits, never forbids)
        int count = 0;
        for (String topupId : mail.receivedTopupIds()) {
            String status = snapshot.mailOutbox().get(topupId);
            if (!"SENT".equals(status)) {
                inFlight.computeIfAbsent(topupId, id -> new ArrayList<>())
                        .add(point + ": outbox " + (status == null ? "row missing" : status));
                count++;
            }
        }
        log("at " + point + " the database holds " + snapshot.orders().size() + " orders, "
                + snapshot.esimItems().size() + " eSIMs, " + snapshot.mailOutbox().size() + " outbox rows; "
                + count + " emails in flight (received, outbox row not SENT)");
    }

    private void awaitTrigger(String point, String when, BooleanSupplier trigger) {
        boolean reached = waitUntil(TRIGGER_WITHIN, Duration.ofMillis(20),
                () -> trigger.getAsBoolean() || !app.isAlive());
        if (!app.isAlive()) {
            throw new AssertionError("the application exited by itself (exit code " + app.exitCode() + ") before "
                    + point + " (" + when + "): " + progress() + "; see " + app.currentLog());
        }
        if (!reached) {
            throw new AssertionError("disruption " + point + " was never reached (" + when + ") within "
                    + TRIGGER_WITHIN + ": " + progress());
        }
    }

    private static void shell(String command, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("`" + command + "` did not end within 120 s; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("`" + command + "` exited with " + process.exitValue() + "; see " + log);
        }
    }

    static boolean waitUntil(Duration atMost, Duration poll, BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(poll)
                    .until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private void writeSummary(CrashChecks checks) throws IOException {
        writeSummary(checks.summary());
    }

    /** Appends {@code summary} (one line) to {@code summary.txt} with the time, and prints it. */
    static void writeSummary(String summary) throws IOException {
        String line = Instant.now() + " " + summary + System.lineSeparator();
        Files.createDirectories(CRASH_DIR);
        Files.writeString(CRASH_DIR.resolve("summary.txt"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line.strip());
    }

    private String sinceDrop() {
        return dropped == null ? "+0s" : "+" + seconds(Duration.between(dropped, Instant.now()));
    }

    void log(String message) {
        System.out.println("[" + name + " " + sinceDrop() + "] " + message);
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Override
    public void close() throws Exception {
        ticker.shutdownNow();
        try {
            app.close();
        } finally {
            webhooks.close();
            provider.close();
            mail.close();
        }
    }
}
