package com.esimorders.bench;

import com.esimorders.Json;
import com.esimorders.PlanCatalogue;
import com.esimorders.bench.Bench.Figure;
import com.esimorders.bench.RawWebhookTransaction.Esim;
import com.esimorders.mail.EsimEmail;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.commons.csv.CSVRecord;

/** The figures: one method each, called once per run, adding that run's values to the figure's rows. */
final class Figures {

    static final List<String> ALL = List.of("webhooks", "emails", "batch-latency", "queue-latency", "batch-overhead",
            "memory", "startup", "e2e");

    static final int SECONDS = Bench.knob("BENCH_SECONDS", 60);
    static final String DB = Bench.knob("BENCH_DB", "h2");
    static final int WEBHOOK_ORDERS = Bench.knob("BENCH_WEBHOOK_ORDERS", 50_000);
    static final int WEBHOOK_THREADS = Bench.knob("BENCH_WEBHOOK_THREADS", 32);
    static final int ORDERS = Bench.knob("BENCH_ORDERS", 10_000);
    static final int OVERHEAD_CONCURRENCY = Bench.knob("BENCH_OVERHEAD_CONCURRENCY", 8);
    /**
     * orders of the batch-latency file in flight: a quarter above the provider's 32 slots, so that the slots stay busy
     * while each order's own record and accept run (the second file: 296/s at 32, 305/s at 40; medians of 3 runs)
     */
    static final int LATENCY_FILE_PARALLELISM = Bench.knob("BENCH_LATENCY_FILE_PARALLELISM", 40);
    static final int EMAIL_SECONDS = Bench.knob("BENCH_EMAIL_SECONDS", 10);
    static final int MEMORY_LINES = Bench.knob("BENCH_MEMORY_LINES", 1_000_000);
    static final int E2E_ORDERS = Bench.knob("BENCH_E2E_ORDERS", 1_000);
    /** emails sent to the SMTP server before each e2e run, so that run 1 does not meet it cold (see MailSink.warmUp) */
    static final int E2E_MAIL_WARM_UP = 2_000;
    static final boolean KEEP = Bench.knob("BENCH_KEEP", 0) == 1;
    static final String WEBHOOK_PATH = "/webhooks/esim/dev-webhook-token";

    /** the application's emails in the webhooks figure, by run: the emails figure shows them too. */
    private static final Map<Integer, AppEmails> APP_EMAILS = new ConcurrentHashMap<>();

    /** emails/s during the webhook load and while the backlog drained, and the application's CPU per drained email */
    private record AppEmails(double duringLoad, double draining, double cpuDraining) {
    }

    private Figures() {
    }

    static String title(String name) {
        return switch (name) {
            case "webhooks" -> "1. webhooks: webhook throughput and latency while emails go out";
            case "emails" -> "2. emails: emails composed and handed to SMTP per second";
            case "batch-latency" -> "3. batch-latency: a drop file against a provider with 100 ms latency";
            case "queue-latency" -> "4. queue-latency: queue orders against a provider with 100 ms latency";
            case "batch-overhead" -> "5. batch-overhead: a drop file against a provider with no latency";
            case "memory" -> "6. memory: a large drop file under -Xmx128m";
            case "startup" -> "7. startup: prod profile, start to healthy, idle memory";
            case "e2e" -> "8. e2e: from file drop to the last email";
            default -> name;
        };
    }

    static String description(String name) {
        return switch (name) {
            case "webhooks" -> "Dev profile, emails by SMTP to the harness's SMTP sink (`MailSink`: it reads each"
                    + " message whole and keeps only its receipt time; GreenMail, which the tests use, parsed and stored"
                    + " every message at about 1.8 ms of CPU each, on the same 2 cores). " + WEBHOOK_ORDERS
                    + " one-unit orders are dropped as a CSV (the sandbox's own webhooks delayed by a day) and the"
                    + " harness waits until all are ACCEPTED; then " + WEBHOOK_THREADS + " closed-loop senders (keep-alive"
                    + " HTTP/1.1, one request after the other) each POST a valid webhook for a distinct recorded eSIM"
                    + " (topup_id from the results file) for " + SECONDS + " s, or until every eSIM has had its webhook."
                    + " Latency is per request (all of them, sorted). Emails/s counts the emails the sink accepted"
                    + " during the load, then while the backlog drains (until the last email of the load). Then the"
                    + " application is stopped and the raw-JDBC side runs on a fresh database"
                    + " (the same Flyway migrations, the same orders, lines and ORDERED items seeded): "
                    + WEBHOOK_THREADS + " threads, one connection each, one transaction per webhook with the statements"
                    + " `routes/webhook/02-store-webhook.camel.yaml` runs for an APPLIED webhook (`RawWebhookTransaction`); the"
                    + " floor is a plain transaction of 2 inserted rows. H2 is opened as the application opens it"
                    + " (`WRITE_DELAY=0`).";
            case "emails" -> "In process: `com.esimorders.mail.EsimEmail` composes the customer email (templates, QR"
                    + " code PNG, MIME) and serialises it (`bytes`), on 2 threads for " + EMAIL_SECONDS + " s after a 2 s"
                    + " warm-up, each email for a distinct eSIM. Application: from the webhooks figure's run (same"
                    + " invocation; `–` when that figure was not run), the emails per second the SMTP sink accepted during"
                    + " the webhook load, when the email senders give way to the webhooks, and while the backlog the load"
                    + " left drains after it, the senders working flat out, with the application JVM's CPU (user +"
                    + " system, `/proc/PID/stat`) per drained email. The rate target is judged on the drain; the sink"
                    + " runs in the harness's JVM on the same 2 cores.";
            case "batch-latency" -> "Dev profile, `esim.sandbox.fault.latency-ms=100`, `esim.provider.max-concurrent=32`;"
                    + " `esim.intake.parallelism=" + LATENCY_FILE_PARALLELISM + "` (its default is max-concurrent: each"
                    + " order's own record and accept then leave a provider slot idle, as the README's section \"Concurrency,"
                    + " recovery, replay\" explains; at 32 the second file reached 296/s, 3 runs on 2026-12-04), `esim.http.worker-threads=48` (the built-in sandbox sleeps its latency on that pool: at the default 16 it"
                    + " caps the provider at 16 requests at once, 160/s), `esim.db.pool-size=96`, the sandbox's own"
                    + " webhooks a day later. A CSV of " + ORDERS
                    + " one-unit orders is moved into the inbox; the time is from that move until the results file"
                    + " appears (it is renamed into place when complete), every row ACCEPTED. 32 in flight × 100 ms"
                    + " gives the 320/s ceiling. The inbox is polled every 100 ms with a 100 ms read-lock check"
                    + " (both counted in the time). Then a second such file, once the first is done: the first file"
                    + " also pays for the JIT compilation of the order path in a JVM that has only started (see the"
                    + " limits section), so the target is judged on the second.";
            case "queue-latency" -> "The settings of batch-latency (but `esim.intake.parallelism`, which is the"
                    + " drop folder's, left at 32), plus `esim.jms.concurrent-consumers=32`."
                    + " One producer sends " + ORDERS + " order messages (JSON text, persistent, committed every 100) to"
                    + " `esim.orders` on the embedded broker; a consumer counts the `accepted` events on"
                    + " `esim.orders.results`. The time is from the first send to the last `accepted` event. Then a"
                    + " second batch of " + ORDERS + " once the first is done; as in batch-latency, the target is"
                    + " judged on the second.";
            case "batch-overhead" -> "Dev profile, no provider latency, `esim.intake.parallelism` ="
                    + " `esim.provider.max-concurrent` = " + OVERHEAD_CONCURRENCY + ", the sandbox's own webhooks a day later: a CSV of "
                    + ORDERS + " one-unit orders, from the move into the inbox until the complete results file (all"
                    + " ACCEPTED; the inbox polled every 100 ms, with a 100 ms read-lock check, both counted in the"
                    + " time); then a second such file, once the first is done. The first file also pays for the"
                    + " JIT compilation of the whole order path in a JVM that has only started; the second shows the"
                    + " cost per order, and is the one compared. CPU per order: the application JVM's user + system time"
                    + " (`/proc/PID/stat`) over the second file. In the same run, after the application stopped, the"
                    + " raw composite in plain Java at the same concurrency on a fresh H2 file (`WRITE_DELAY=0`, the"
                    + " application's schema), in a JVM of its own started for the run, which first runs " + ORDERS
                    + " orders as the application's first file, then " + ORDERS + " measured ones (in the harness's"
                    + " JVM the raw side got faster with every run, its JIT ever warmer); its CPU is that JVM's over"
                    + " the measured orders, the stand-in provider's included: per order"
                    + " insert the order and its line (commit), sign (HMAC-SHA256, `RequestSigner`), POST to a stand-in"
                    + " provider (JDK HttpServer that checks the signature and records the id in `sandbox_orders` with a"
                    + " commit, as the built-in sandbox does), then mark it ACCEPTED and store its item (commit)"
                    + " (`RawOrderComposite`). The application does more per order (the order recorded as SENDING with"
                    + " its first attempt, order_history rows, the lookup of quarantined webhooks; 2 commits besides"
                    + " the sandbox's, as the raw composite).";
            case "memory" -> "Dev profile under `-Xmx128m` with the README's other settings for a small memory budget"
                    + " (section \"Running in a small memory budget\": `-XX:+UseSerialGC -XX:ReservedCodeCacheSize=40m"
                    + " -Djdk.nio.maxCachedBufferSize=262144`, `MALLOC_ARENA_MAX=2`), a CSV of " + MEMORY_LINES
                    + " one-unit orders;"
                    + " `esim.intake.parallelism` = `esim.provider.max-concurrent` = 16, `esim.db.pool-size=40`;"
                    + " the sandbox's webhooks go at once to a sink in the harness that answers 200 (as in"
                    + " `LargeFileTest`), so that the application neither stores nor holds them. VmRSS of the process is read from"
                    + " `/proc/PID/status` every 500 ms; every 30 s (and at the end) `jcmd PID GC.run` then"
                    + " `jcmd PID GC.heap_info` gives the heap used after a full GC. Heap growth = mean of the last third"
                    + " of those samples minus mean of the first third. The child runs with"
                    + " `-XX:NativeMemoryTracking=summary` (its own bookkeeping is the last row): at the end of the file,"
                    + " before the last full GC, `jcmd PID VM.native_memory summary` gives what the JVM has committed per"
                    + " area; RSS above that total is memory the JVM does not track (native libraries' malloc, and what"
                    + " glibc's allocator keeps after frees).";
            case "startup" -> "Prod profile (`CAMEL_MAIN_PROFILE=prod`) configured by environment only: an H2 file"
                    + " database on a fresh folder (so Flyway migrates it on the first start), no broker (queue intake"
                    + " off), SMTP to the harness's SMTP sink, no operator token. Time from process start (fork) to"
                    + " the first 200 of `GET /observe/health` (polled every 10 ms); VmRSS 10 s later, idle. Then a"
                    + " second start on the same (migrated) database. Then the same configuration started by"
                    + " `bin/esim-orders` (the production launcher): its first start records an AppCDS archive of the"
                    + " classes it loaded when it is stopped (SIGTERM; not timed), and the start after that (the fourth"
                    + " on the same database) maps the archive: the time to healthy and the idle RSS of that start."
                    + " Both `java -jar` starts run without the archive.";
            case "e2e" -> "Dev profile with its defaults (intake parallelism 4, provider concurrency 4, sandbox"
                    + " webhooks 2 s after each order), emails by SMTP to the harness's SMTP sink (`MailSink`), which"
                    + " is first sent " + E2E_MAIL_WARM_UP + " emails of its own (a real SMTP server is not cold: without"
                    + " them, when the harness used GreenMail, the first run's p95 was about 2 s against 0.1-0.3 s in the"
                    + " others). A CSV of " + E2E_ORDERS
                    + " one-unit orders is moved into the inbox; total = until the sink accepted the last of the "
                    + E2E_ORDERS + " emails. Webhook-to-SMTP latency per eSIM = the sink's receipt time minus"
                    + " `webhook_events.received_at` of its APPLIED row (set inside the webhook's transaction, so"
                    + " slightly before its 200: the latency is over- rather than under-stated), read from the database"
                    + " after the application stopped.";
            default -> "";
        };
    }

    static String rerun(String name) {
        String knobs = switch (name) {
            case "webhooks" -> "BENCH_SECONDS=" + SECONDS + " BENCH_DB=" + DB + " BENCH_WEBHOOK_ORDERS=" + WEBHOOK_ORDERS
                    + " BENCH_WEBHOOK_THREADS=" + WEBHOOK_THREADS;
            case "emails" -> "BENCH_EMAIL_SECONDS=" + EMAIL_SECONDS;
            case "batch-latency", "queue-latency" -> "BENCH_ORDERS=" + ORDERS;
            case "batch-overhead" -> "BENCH_ORDERS=" + ORDERS + " BENCH_OVERHEAD_CONCURRENCY=" + OVERHEAD_CONCURRENCY;
            case "memory" -> "BENCH_MEMORY_LINES=" + MEMORY_LINES;
            case "e2e" -> "BENCH_E2E_ORDERS=" + E2E_ORDERS;
            default -> "";
        };
        return ("BENCH_ONLY=" + name + " BENCH_RUNS=" + Bench.RUNS + " " + knobs).trim() + " bench/run";
    }

    static void run(Figure figure, int run) throws Exception {
        Path dir = Files.createTempDirectory("esim-bench-" + figure.name + "-" + run + "-");
        try {
            switch (figure.name) {
                case "webhooks" -> webhooks(figure, run, dir);
                case "emails" -> emails(figure, run);
                case "batch-latency" -> batchLatency(figure, run, dir);
                case "queue-latency" -> queueLatency(figure, run, dir);
                case "batch-overhead" -> batchOverhead(figure, run, dir);
                case "memory" -> memory(figure, run, dir);
                case "startup" -> startup(figure, run, dir);
                case "e2e" -> e2e(figure, run, dir);
                default -> throw new IllegalArgumentException(figure.name);
            }
        } finally {
            AppProcess.killAll();
            if (KEEP) {
                System.out.println("kept " + dir);
            } else {
                delete(dir);
            }
        }
    }

    // ---------------------------------------------------------------- 1. webhooks

    private static void webhooks(Figure f, int run, Path dir) throws Exception {
        List<String> dbs = switch (DB) {
            case "postgres" -> List.of("postgres");
            case "both" -> List.of("h2", "postgres");
            default -> List.of("h2");
        };
        for (String db : dbs) {
            String label = db.equals("h2") ? "H2" : "PostgreSQL";
            f.row(db + ".ok", label + ": webhooks answered 200 per second", "%,.0f");
            f.row(db + ".p50", label + ": p50 latency (ms)", "%.1f");
            f.row(db + ".p99", label + ": p99 latency (ms), while emails are sent", "%.1f").target("< 50 ms", v -> v < 50);
            f.row(db + ".cpu", label + ": application CPU per webhook answered, its email's share included (ms)", "%.2f");
            f.row(db + ".emails", label + ": emails accepted by SMTP per second during the load", "%,.0f");
            f.row(db + ".drain", label + ": emails accepted by SMTP per second after the load (the backlog draining)", "%,.0f");
            f.row(db + ".draincpu", label + ": application CPU per email while the backlog drains (ms)", "%.2f");
            f.row(db + ".raw", label + ": raw JDBC webhook transactions per second", "%,.0f");
            f.row(db + ".ratio", label + ": application ÷ raw JDBC", "%.0f%%").target("≥ 90%", v -> v >= 90);
            f.row(db + ".floor", label + ": floor: 2-row insert + commit per second", "%,.0f");
            RawJdbc.Db pg = null;
            if (db.equals("postgres")) {
                String url = Bench.ENV.get("BENCH_PG_URL");
                if (url == null || url.isBlank()) {
                    f.note("PostgreSQL skipped: BENCH_PG_URL (and BENCH_PG_USER, BENCH_PG_PASSWORD) not set.");
                    continue;
                }
                pg = new RawJdbc.Db(url, Bench.knob("BENCH_PG_USER", ""), Bench.knob("BENCH_PG_PASSWORD", ""));
            }
            List<Esim> esims;
            WebhookLoad.Result load;
            double emailsPerSecond;
            double drainPerSecond = Double.NaN;
            double drainCpuPerEmail = Double.NaN;
            double cpuPerWebhook;
            try (MailSink mail = new MailSink(); AppProcess app = new AppProcess(dir.resolve(db + "-app"))) {
                app.smtp(mail.port).set("esim.intake.parallelism", 16).set("esim.provider.max-concurrent", 16)
                        .set("esim.db.pool-size", 48);
                if (pg != null) {
                    RawJdbc.resetPostgres(pg);
                    app.database(pg.url(), pg.user(), pg.password());
                }
                app.start();
                String shown = app.shownCommand();
                f.command(pg == null || pg.password().isEmpty() ? shown : shown.replace(pg.password(), "***"));
                Path csv = app.writeOrders("WH" + run, WEBHOOK_ORDERS);
                long seedStart = System.nanoTime();
                app.drop(csv);
                app.awaitResults(csv, 60_000L + WEBHOOK_ORDERS * 20L);
                System.out.printf("seeded %d orders in %.1f s%n", WEBHOOK_ORDERS, (System.nanoTime() - seedStart) / 1e9);
                esims = esims(app.requireAllAccepted(csv, WEBHOOK_ORDERS));
                List<String> bodies = esims.stream().map(Esim::json).toList();
                int before = mail.received();
                double cpuBefore = app.cpuSeconds();
                load = WebhookLoad.run(app.httpPort, WEBHOOK_PATH, bodies, WEBHOOK_THREADS, SECONDS * 1000L);
                int duringLoad = mail.received() - before;
                cpuPerWebhook = 1000 * (app.cpuSeconds() - cpuBefore) / load.ok();
                emailsPerSecond = duringLoad / load.seconds();
                System.out.printf("%s: %d sent, %d 200 (%d applied), %d failed in %.1f s; %d emails during the load%n",
                        db, load.sent(), load.ok(), load.applied(), load.failed(), load.seconds(), duringLoad);
                if (load.failed() > 0 || load.applied() != load.ok()) {
                    f.note("Run " + run + " (" + label + "): " + load.failed() + " webhooks not answered 200, "
                            + (load.ok() - load.applied()) + " answered 200 but not applied; first: " + load.firstError());
                }
                if (load.sent() >= esims.size() && load.seconds() < SECONDS - 1) {
                    f.note(String.format(Locale.ROOT, "Run %d (%s): all %d seeded eSIMs had their webhook after %.1f s"
                            + " (before BENCH_SECONDS=%d); raise BENCH_WEBHOOK_ORDERS for a longer load.", run, label,
                            esims.size(), load.seconds(), SECONDS));
                }
                long drainStart = System.nanoTime();
                double drainCpuBefore = app.cpuSeconds();
                int drained = mail.awaitCount(before + load.applied(), 15_000, 600_000) - before;
                if (drained == load.applied() && drained > duringLoad) {
                    drainPerSecond = (drained - duringLoad) / ((System.nanoTime() - drainStart) / 1e9);
                    drainCpuPerEmail = 1000 * (app.cpuSeconds() - drainCpuBefore) / (drained - duringLoad);
                }
                f.note(String.format(Locale.ROOT, "Run %d (%s): %d of %d emails had been accepted by SMTP when the load"
                        + " ended, %d once the outbox had drained.", run, label, duringLoad, load.applied(), drained));
                // the emails figure shows H2's when both databases ran
                if ("h2".equals(db) || !APP_EMAILS.containsKey(run)) {
                    APP_EMAILS.put(run, new AppEmails(emailsPerSecond, drainPerSecond, drainCpuPerEmail));
                }
                app.stop();
            }
            f.value(db + ".ok", run, load.okPerSecond());
            f.value(db + ".p50", run, load.p(50));
            f.value(db + ".p99", run, load.p(99));
            f.value(db + ".cpu", run, cpuPerWebhook);
            f.value(db + ".emails", run, emailsPerSecond);
            f.value(db + ".drain", run, drainPerSecond);
            f.value(db + ".draincpu", run, drainCpuPerEmail);

            RawJdbc.Db raw = pg != null ? pg : RawJdbc.h2(dir, "raw-webhooks");
            if (pg != null) {
                RawJdbc.resetPostgres(pg);
            }
            RawJdbc.migrate(raw);
            RawJdbc.seed(raw, esims);
            double rawRate = RawJdbc.webhookRate(raw, esims, WEBHOOK_THREADS, SECONDS * 1000L);
            double floor = RawJdbc.twoRowCommitRate(raw, WEBHOOK_THREADS, Math.min(SECONDS, 10) * 1000L);
            System.out.printf("%s raw: %.0f webhook tx/s, floor %.0f 2-row commits/s%n", db, rawRate, floor);
            f.value(db + ".raw", run, rawRate);
            f.value(db + ".ratio", run, 100 * load.okPerSecond() / rawRate);
            f.value(db + ".floor", run, floor);
            if (pg != null) {
                RawJdbc.resetPostgres(pg);
            }
        }
    }

    /** The seeded eSIMs, from the results file: one ACCEPTED one-unit order each. */
    private static List<Esim> esims(List<CSVRecord> rows) {
        Random random = new Random(42);
        List<Esim> esims = new ArrayList<>();
        for (CSVRecord row : rows) {
            String orderId = row.get("external_order_id");
            String n = orderId.substring(orderId.lastIndexOf('-') + 1);
            String iccid = "8982" + String.format("%015d", Math.floorMod(random.nextLong(), 1_000_000_000_000_000L));
            String code = Long.toString(Math.abs(random.nextLong()), 36).toUpperCase(Locale.ROOT);
            esims.add(new Esim(row.get("topup_ids").trim(), orderId, row.get("option_id"), "c" + n + "@example.com",
                    iccid, code));
        }
        return esims;
    }

    // ---------------------------------------------------------------- 2. emails

    private static void emails(Figure f, int run) throws Exception {
        f.row("compose", "in process: emails composed and serialised per second (2 threads)", "%,.0f")
                .target("≥ 1,000/s", v -> v >= 1000);
        f.row("size", "in process: email size (KB)", "%.1f");
        f.row("app", "application: emails accepted by SMTP per second during the webhook load (webhooks figure, on H2 when it ran)", "%,.0f");
        f.row("drain", "application: emails accepted by SMTP per second while the backlog drains (same run)", "%,.0f")
                .target("≥ 1,000/s", v -> v >= 1000);
        f.row("draincpu", "application: CPU per email while the backlog drains (ms; same run)", "%.2f")
                .target("about 1 ms", v -> v <= 1.0);
        EsimEmail email = new EsimEmail("", "en", "esim-orders@localhost", PlanCatalogue.load(""));
        AtomicLong sequence = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long[] counts = new long[2];
        for (long phase : new long[] {2_000, EMAIL_SECONDS * 1000L}) {
            Arrays.fill(counts, 0);
            bytes.set(0);
            long deadline = System.nanoTime() + phase * 1_000_000;
            Thread[] threads = new Thread[2];
            Exception[] failure = new Exception[1];
            long start = System.nanoTime();
            for (int t = 0; t < 2; t++) {
                int me = t;
                threads[t] = new Thread(() -> {
                    try {
                        while (System.nanoTime() < deadline) {
                            long n = sequence.incrementAndGet();
                            Map<String, Object> row = new HashMap<>();
                            row.put("topup_id", String.format("%026d", n));
                            row.put("recipient", "c" + n + "@example.com");
                            row.put("external_order_id", "MAIL-" + n);
                            row.put("option_id", AppProcess.PLANS[(int) (n % AppProcess.PLANS.length)]);
                            row.put("iccid", String.format("8982%015d", n));
                            row.put("smdp", Esim.SMDP);
                            String code = "CODE" + Long.toString(n * 7919, 36).toUpperCase(Locale.ROOT);
                            row.put("activation_code", code);
                            row.put("download_link", "LPA:1$" + Esim.SMDP + "$" + code);
                            row.put("expired_date", java.sql.Date.valueOf(LocalDate.now().plusDays(180)));
                            row.put("customer_name", "Customer " + n);
                            bytes.addAndGet(email.bytes(email.compose(row)).length);
                            counts[me]++;
                        }
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                }, "compose-" + t);
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = counts[0] + counts[1];
            if (phase != 2_000) {
                f.value("compose", run, total / seconds);
                f.value("size", run, bytes.get() / 1024.0 / total);
                System.out.printf("composed %d emails in %.1f s%n", total, seconds);
            }
        }
        AppEmails app = APP_EMAILS.getOrDefault(run, new AppEmails(Double.NaN, Double.NaN, Double.NaN));
        f.value("app", run, app.duringLoad());
        f.value("drain", run, app.draining());
        f.value("draincpu", run, app.cpuDraining());
    }

    // ---------------------------------------------------------------- 3. batch-latency

    private static AppProcess latencyApp(Path dir) throws IOException {
        return new AppProcess(dir).set("esim.sandbox.fault.latency-ms", 100).set("esim.provider.max-concurrent", 32)
                .set("esim.intake.parallelism", 32).set("esim.http.worker-threads", 48).set("esim.db.pool-size", 96);
    }

    private static void batchLatency(Figure f, int run, Path dir) throws Exception {
        f.row("first", "first file after the start: orders ACCEPTED per second, drop to complete results", "%,.1f");
        f.row("rate", "second file: orders ACCEPTED per second, drop to complete results", "%,.1f")
                .target("≥ 304/s (95% of 320/s)", v -> v >= 304);
        f.row("seconds", "second file: drop to complete results (s)", "%.1f");
        try (AppProcess app = latencyApp(dir).set("esim.intake.parallelism", LATENCY_FILE_PARALLELISM)
                .set("esim.intake.poll-interval-ms", 100).set("esim.intake.read-lock-check-interval-ms", 100).start()) {
            f.command(app.shownCommand());
            f.value("first", run, ORDERS / fileSeconds(app, "BL" + run + "a"));
            double seconds = fileSeconds(app, "BL" + run + "b");
            f.value("rate", run, ORDERS / seconds);
            f.value("seconds", run, seconds);
        }
    }

    /** Drops a CSV of ORDERS one-unit orders; answers the seconds until its complete results, all ACCEPTED. */
    private static double fileSeconds(AppProcess app, String prefix) throws Exception {
        Path csv = app.writeOrders(prefix, ORDERS);
        long dropped = app.drop(csv);
        long done = app.awaitResults(csv, 120_000L + ORDERS * 100L);
        app.requireAllAccepted(csv, ORDERS);
        return (done - dropped) / 1e9;
    }

    // ---------------------------------------------------------------- 4. queue-latency

    private static void queueLatency(Figure f, int run, Path dir) throws Exception {
        f.row("first", "first batch after the start: orders ACCEPTED per second, first send to last accepted event", "%,.1f");
        f.row("rate", "second batch: orders ACCEPTED per second, first send to last accepted event", "%,.1f")
                .target("≥ 304/s (95% of 320/s)", v -> v >= 304);
        f.row("seconds", "second batch: first send to last accepted event (s)", "%.1f");
        f.row("send", "second batch: time to send all messages (s)", "%.1f");
        try (AppProcess app = latencyApp(dir).set("esim.jms.concurrent-consumers", 32).start();
                ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + app.brokerPort);
                Connection connection = factory.createConnection()) {
            f.command(app.shownCommand());
            Map<String, Long> accepted = new ConcurrentHashMap<>();
            List<String> others = new CopyOnWriteArrayList<>();
            Session listen = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            listen.createConsumer(listen.createQueue("esim.orders.results")).setMessageListener(message -> {
                try {
                    var event = Json.MAPPER.readTree(((TextMessage) message).getText());
                    if ("accepted".equals(event.get("event").asText())) {
                        accepted.putIfAbsent(event.get("external_order_id").asText(), System.nanoTime());
                    } else {
                        others.add(event.get("event").asText() + " " + event.get("errors"));
                    }
                } catch (Exception e) {
                    others.add(e.toString());
                }
            });
            connection.start();
            Session send = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = send.createProducer(send.createQueue("esim.orders"));
            double[] first = queueBatch(app, send, producer, "QL" + run + "a", accepted, others);
            f.value("first", run, ORDERS / first[0]);
            accepted.clear();
            double[] second = queueBatch(app, send, producer, "QL" + run + "b", accepted, others);
            f.value("rate", run, ORDERS / second[0]);
            f.value("seconds", run, second[0]);
            f.value("send", run, second[1]);
        }
    }

    /**
     * Sends ORDERS order messages (committed every 100) and waits for their accepted events: answers the seconds
     * from the first send to the last event, and the seconds the sending took.
     */
    private static double[] queueBatch(AppProcess app, Session send, MessageProducer producer, String prefix,
            Map<String, Long> accepted, List<String> others) throws Exception {
        long start = System.nanoTime();
        for (int i = 1; i <= ORDERS; i++) {
            producer.send(send.createTextMessage("{\"external_order_id\":\"" + prefix + "-" + i
                    + "\",\"products\":[{\"option_id\":\"" + AppProcess.PLANS[i % AppProcess.PLANS.length]
                    + "\",\"qty\":1}],\"customer\":{\"email\":\"c" + i + "@example.com\",\"name\":\"Customer " + i + "\"}}"));
            if (i % 100 == 0 || i == ORDERS) {
                send.commit();
            }
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + (120_000L + ORDERS * 100L) * 1_000_000;
        while (accepted.size() + others.size() < ORDERS && System.nanoTime() < deadline && app.alive()) {
            Thread.sleep(20);
        }
        if (accepted.size() != ORDERS) {
            throw new IllegalStateException(accepted.size() + " of " + ORDERS + " accepted events; others: "
                    + others.stream().limit(3).toList());
        }
        return new double[] {(accepted.values().stream().max(Long::compare).orElseThrow() - start) / 1e9, sendSeconds};
    }

    // ---------------------------------------------------------------- 5. batch-overhead

    private static void batchOverhead(Figure f, int run, Path dir) throws Exception {
        f.row("cold", "application on H2, first file after its start: orders ACCEPTED per second", "%,.0f");
        f.row("app", "application on H2, second file: orders ACCEPTED per second", "%,.0f").target("≥ 1,500/s", v -> v >= 1500);
        f.row("raw", "raw composite on H2, after its warm-up: orders per second", "%,.0f");
        f.row("ratio", "application (second file) ÷ raw composite", "%.0f%%").target("≥ 80%", v -> v >= 80);
        f.row("app.cpu", "application CPU per order, second file (ms)", "%.2f");
        f.row("raw.cpu", "raw composite CPU per order, stand-in provider included (ms)", "%.2f");
        double coldRate;
        double appRate;
        double appCpu;
        try (AppProcess app = new AppProcess(dir.resolve("app")).set("esim.intake.parallelism", OVERHEAD_CONCURRENCY)
                .set("esim.provider.max-concurrent", OVERHEAD_CONCURRENCY)
                .set("esim.db.pool-size", 16 + OVERHEAD_CONCURRENCY + 8)
                // the file's wait in the inbox is no overhead per order, and the raw composite has none
                .set("esim.intake.poll-interval-ms", 100).set("esim.intake.read-lock-check-interval-ms", 100).start()) {
            f.command(app.shownCommand());
            coldRate = ORDERS / fileSeconds(app, "BO" + run);
            double cpuBefore = app.cpuSeconds();
            appRate = ORDERS / fileSeconds(app, "BW" + run);
            appCpu = 1000 * (app.cpuSeconds() - cpuBefore) / ORDERS;
        }
        // in a fresh JVM, warmed up by as many orders as the application's first file
        Process rawJvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RawOrderComposite.class.getName(), dir.toString(),
                String.valueOf(ORDERS), String.valueOf(ORDERS), String.valueOf(OVERHEAD_CONCURRENCY))
                .redirectErrorStream(true).start();
        String rawOutput = new String(rawJvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher rawResult = Pattern.compile("^RAW (\\S+) (\\S+)$", Pattern.MULTILINE).matcher(rawOutput);
        if (rawJvm.waitFor() != 0 || !rawResult.find()) {
            throw new IllegalStateException("the raw composite failed: " + rawOutput);
        }
        double rawRate = Double.parseDouble(rawResult.group(1));
        double rawCpu = Double.parseDouble(rawResult.group(2));
        System.out.printf("app %.0f orders/s (first file %.0f/s), raw %.0f orders/s%n", appRate, coldRate, rawRate);
        f.value("cold", run, coldRate);
        f.value("app", run, appRate);
        f.value("raw", run, rawRate);
        f.value("ratio", run, 100 * appRate / rawRate);
        f.value("app.cpu", run, appCpu);
        f.value("raw.cpu", run, rawCpu);
    }

    // ---------------------------------------------------------------- 6. memory

    /** The JVM's memory areas (Native Memory Tracking's names) that the memory figure shows. */
    private static final List<String> MEMORY_AREAS = List.of("Java Heap", "Metaspace", "Code", "GC", "Thread",
            "Compiler", "Symbol", "Other", "Shared class space", "Native Memory Tracking");

    /** The README's settings for a small memory budget ("Running in a small memory budget"), with MALLOC_ARENA_MAX=2. */
    private static final List<String> SMALL_MEMORY_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC",
            "-XX:ReservedCodeCacheSize=40m", "-Djdk.nio.maxCachedBufferSize=262144");

    private static void memory(Figure f, int run, Path dir) throws Exception {
        f.row("done", "completed: every line ACCEPTED (1 = yes)", "%.0f").target("= 1", v -> v == 1);
        f.row("rss", "peak RSS (MB)", "%,.0f").target("< 400 MB", v -> v < 400);
        f.row("heapFirst", "heap after full GC, first sample (MB)", "%.1f");
        f.row("heapLast", "heap after full GC, last sample (MB)", "%.1f");
        f.row("growth", "heap after GC: growth, last third − first third (MB)", "%.1f")
                .target("< 16 MB (no growth)", v -> v < 16);
        f.row("rate", "orders per second", "%,.0f");
        f.row("dbFile", "H2 database file at the end of the file (MB)", "%,.0f");
        f.row("rssEnd", "RSS at the end of the file (MB)", "%,.0f");
        f.row("tracked", "of which the JVM accounts for (NMT committed, MB)", "%,.0f");
        for (String area : MEMORY_AREAS) {
            f.row(area, "… " + area + " (MB)", "%,.0f");
        }
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (AppProcess app = new AppProcess(dir)) {
            app.jvmOptions.addAll(SMALL_MEMORY_OPTIONS);
            app.jvmOptions.add("-XX:NativeMemoryTracking=summary");
            app.env.put("MALLOC_ARENA_MAX", "2");
            app.sinkWebhooks().set("esim.intake.parallelism", 16).set("esim.provider.max-concurrent", 16)
                    .set("esim.db.pool-size", 40);
            app.start();
            f.command(app.shownCommand());
            Path csv = app.writeOrders("MEM" + run, MEMORY_LINES);
            double[] peak = {app.rssMb()};
            sampler.scheduleAtFixedRate(() -> peak[0] = Math.max(peak[0], app.rssMb()), 0, 500, TimeUnit.MILLISECONDS);
            List<Double> heap = new ArrayList<>();
            long dropped = app.drop(csv);
            long deadline = System.nanoTime() + (600_000L + MEMORY_LINES * 20L) * 1_000_000;
            long nextGc = System.nanoTime() + 30_000_000_000L;
            Path results = app.results(csv);
            while (!Files.exists(results)) {
                if (!app.alive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the application " + (app.alive() ? "did not finish" : "exited")
                            + "; peak RSS " + peak[0] + " MB" + app.tail());
                }
                if (System.nanoTime() > nextGc) {
                    heap.add(app.heapAfterGcMb());
                    System.out.printf("heap after GC %.1f MB, peak RSS %.0f MB%n", heap.get(heap.size() - 1), peak[0]);
                    nextGc = System.nanoTime() + 30_000_000_000L;
                }
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - dropped) / 1e9;
            double rssEnd = app.rssMb();
            Map<String, Double> tracked = app.nativeMemoryMb();
            heap.add(app.heapAfterGcMb());
            sampler.shutdownNow();
            app.requireAllAccepted(csv, MEMORY_LINES);
            int third = Math.max(1, heap.size() / 3);
            double first = heap.subList(0, third).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double last = heap.subList(heap.size() - third, heap.size()).stream().mapToDouble(Double::doubleValue)
                    .average().orElse(Double.NaN);
            f.value("done", run, 1);
            f.value("rss", run, peak[0]);
            f.value("heapFirst", run, heap.get(0));
            f.value("heapLast", run, heap.get(heap.size() - 1));
            f.value("growth", run, last - first);
            f.value("rate", run, MEMORY_LINES / seconds);
            f.value("dbFile", run, Files.size(app.data.resolve("esim-orders.mv.db")) / 1048576.0);
            f.value("rssEnd", run, rssEnd);
            f.value("tracked", run, tracked.getOrDefault("Total", Double.NaN));
            for (String area : MEMORY_AREAS) {
                f.value(area, run, tracked.getOrDefault(area, Double.NaN));
            }
            f.note(String.format(Locale.ROOT, "Run %d: heap after GC samples (MB): %s", run, heap.stream()
                    .map(v -> String.format(Locale.ROOT, "%.1f", v)).toList()));
        } finally {
            sampler.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- 7. startup

    private static void startup(Figure f, int run, Path dir) throws Exception {
        f.row("first", "first start (migrates the new database): process start to health 200 (s)", "%.2f")
                .target("< 2.5 s", v -> v < 2.5);
        f.row("rss", "idle RSS 10 s after healthy (MB)", "%,.0f").target("< 200 MB", v -> v < 200);
        f.row("second", "second start, same database: process start to health 200 (s)", "%.2f")
                .target("< 2.5 s", v -> v < 2.5);
        f.row("cds", "`bin/esim-orders` with the AppCDS archive its previous start recorded, same database: process"
                + " start to health 200 (s)", "%.2f").target("< 2.5 s", v -> v < 2.5);
        f.row("cdsRss", "`bin/esim-orders` with the AppCDS archive: idle RSS 10 s after healthy (MB)", "%,.0f")
                .target("< 200 MB", v -> v < 200);
        try (MailSink mail = new MailSink()) {
            // 1 and 2: java -jar; 3: bin/esim-orders records the archive (stopped normally); 4: it maps the archive
            for (int start = 1; start <= 4; start++) {
                try (AppProcess app = new AppProcess(dir.resolve("app"))) {
                    app.props.clear();
                    Map<String, String> env = new LinkedHashMap<>();
                    env.put("CAMEL_MAIN_PROFILE", "prod");
                    env.put("ESIM_ACCESS_KEY", "bench_access_key");
                    env.put("ESIM_SECRET_KEY", RawOrderComposite.SECRET);
                    env.put("ESIM_WEBHOOK_TOKEN", "bench-webhook-token-0123456789abcdef");
                    env.put("ESIM_DB_URL", "jdbc:h2:file:" + app.data.resolve("esim-orders"));
                    env.put("ESIM_DB_USER", "sa");
                    env.put("ESIM_MAIL_OPS_TO", "ops@localhost");
                    env.put("ESIM_SMTP_HOST", "127.0.0.1");
                    env.put("ESIM_SMTP_PORT", String.valueOf(mail.port));
                    env.put("ESIM_SMTP_SECURITY", "none");
                    env.put("ESIM_HTTP_PORT", String.valueOf(app.httpPort));
                    env.put("ESIM_DATA_DIR", app.data.toString());
                    env.put("ESIM_WORK_DIR", app.work.toString());
                    app.env.putAll(env);
                    if (start >= 3) {
                        app.viaLauncher();
                    }
                    app.launch();
                    double ms = app.awaitHealthy(120_000);
                    String shown = app.shownCommand().replace("=" + app.httpPort, "=$PORT")
                            .replace("=" + mail.port, "=$SMTP_PORT");
                    switch (start) {
                        case 1 -> {
                            f.command(shown);
                            Thread.sleep(10_000);
                            f.value("first", run, ms / 1000);
                            f.value("rss", run, app.rssMb());
                        }
                        case 2 -> f.value("second", run, ms / 1000);
                        case 3 -> f.command(shown);
                        default -> {
                            Thread.sleep(10_000);
                            f.value("cds", run, ms / 1000);
                            f.value("cdsRss", run, app.rssMb());
                        }
                    }
                    System.out.printf("start %d: healthy after %.0f ms%n", start, ms);
                }
            }
        }
    }

    // ---------------------------------------------------------------- 8. e2e

    private static void e2e(Figure f, int run, Path dir) throws Exception {
        f.row("total", "file drop to the last email accepted by SMTP (s)", "%.1f");
        f.row("p50", "webhook to SMTP: p50 (ms)", "%,.0f");
        f.row("p95", "webhook to SMTP: p95 (ms)", "%,.0f").target("< 1,000 ms", v -> v < 1000);
        f.row("max", "webhook to SMTP: max (ms)", "%,.0f");
        Map<String, Long> smtp;
        long dropMillis;
        AppProcess app = new AppProcess(dir);
        try (MailSink mail = new MailSink()) {
            mail.warmUp(E2E_MAIL_WARM_UP);
            app.ownWebhooks().smtp(mail.port).start();
            f.command(app.shownCommand());
            Path csv = app.writeOrders("E2E" + run, E2E_ORDERS);
            dropMillis = System.currentTimeMillis();
            long dropped = app.drop(csv);
            int got = mail.awaitCount(E2E_ORDERS, 60_000, 120_000L + E2E_ORDERS * 100L);
            if (got < E2E_ORDERS) {
                throw new IllegalStateException("only " + got + " of " + E2E_ORDERS + " emails arrived" + app.tail());
            }
            f.value("total", run, (mail.lastNanos() - dropped) / 1e9);
            smtp = new HashMap<>(mail.receivedAt);
            app.stop();
        } finally {
            app.close();
        }
        RawJdbc.Db db = new RawJdbc.Db(com.esimorders.db.Database.durableUrl("jdbc:h2:file:"
                + app.data.resolve("esim-orders")), "sa", "");
        List<Long> latencies = new ArrayList<>();
        try (java.sql.Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT topup_id, received_at FROM webhook_events WHERE outcome = 'APPLIED'")) {
            while (rows.next()) {
                Long receipt = smtp.get(rows.getString(1));
                long webhook = rows.getObject(2, OffsetDateTime.class).toInstant().toEpochMilli();
                if (receipt != null && webhook >= dropMillis) {
                    latencies.add(receipt - webhook);
                }
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length < E2E_ORDERS) {
            f.note("Run " + run + ": " + sorted.length + " of " + E2E_ORDERS + " eSIMs had both a webhook row and an email.");
        }
        f.value("p50", run, Bench.percentile(sorted, 50));
        f.value("p95", run, Bench.percentile(sorted, 95));
        f.value("max", run, sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1]);
    }

    // ---------------------------------------------------------------- helpers

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
