package com.esimorders.bench;

import com.esimorders.TestApp;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.Reader;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The packaged application as a child JVM ({@code java [jvm options] -Dkey=value ... -jar target/esim-orders.jar}),
 * on a fresh run folder (work dir, data dir, log) and free ports. Every started process is killed when the harness
 * ends ({@link #killAll}), and its PID is appended to {@code $BENCH_PIDS} so that {@code bench/run}'s trap can kill
 * it even when this JVM is killed.
 */
final class AppProcess implements AutoCloseable {

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** bench/run's snapshot of target/esim-orders.jar (a rebuild during the run does not touch it). */
    static final Path JAR = Path.of(System.getProperty("bench.jar", "target/esim-orders.jar")).toAbsolutePath();
    static final Path LAUNCHER = Path.of("bin", "esim-orders").toAbsolutePath();
    static final String[] PLANS = {"3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01", "7b2e4d1c-5a6f-4e8b-b3c9-2d4e6f8a0b12",
        "c1d9e8f7-2b3a-4c5d-8e6f-7a8b9c0d1e23", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c34",
        "e5f4d3c2-b1a0-4f9e-8d7c-6b5a4c3d2e45", "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e56"};
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    final Path dir;
    final Path work;
    final Path data;
    final int httpPort = freePort();
    final int brokerPort = freePort();
    final Map<String, String> props = new LinkedHashMap<>();
    final Map<String, String> env = new LinkedHashMap<>();
    final List<String> jvmOptions = new ArrayList<>();
    private boolean launcher;
    private Process process;
    private long startedNanos;

    /** A dev-profile application on a fresh folder, with the sandbox's webhooks far in the future. */
    AppProcess(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.work = Files.createDirectories(dir.resolve("orders"));
        this.data = Files.createDirectories(dir.resolve("data"));
        props.put("esim.http.port", String.valueOf(httpPort));
        props.put("esim.broker.embedded-port", String.valueOf(brokerPort));
        props.put("esim.data.dir", data.toString());
        props.put("esim.work.dir", work.toString());
        // the sandbox's own webhooks far beyond the run: the application stores only those a figure sends itself
        props.put("esim.sandbox.webhook-delay-ms", "86400000");
        props.put("esim.intake.poll-interval-ms", "500");
        props.put("esim.intake.read-lock-check-interval-ms", "500");
    }

    /**
     * Where the sandbox's webhooks go when the application must not receive them and must not hold them either (a
     * million pending webhooks would fill a small heap): answers 200 to anything.
     */
    private static HttpServer sink;

    /** The sandbox's webhooks go at once (one attempt) to the harness's sink. */
    AppProcess sinkWebhooks() throws IOException {
        return set("esim.sandbox.webhook-url", "http://127.0.0.1:" + sinkPort() + "/sink")
                .set("esim.sandbox.webhook-delay-ms", 0).set("esim.sandbox.webhook-max-attempts", 1);
    }

    private static synchronized int sinkPort() throws IOException {
        if (sink == null) {
            sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            sink.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            sink.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread thread = new Thread(r, "webhook-sink");
                thread.setDaemon(true);
                return thread;
            }));
            sink.start();
        }
        return sink.getAddress().getPort();
    }

    /** The sandbox's webhooks go to this application itself, after its default delay (the dev profile's own). */
    AppProcess ownWebhooks() {
        props.remove("esim.sandbox.webhook-delay-ms");
        return this;
    }

    static int freePort() {
        try {
            return TestApp.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    AppProcess set(String key, Object value) {
        props.put(key, String.valueOf(value));
        return this;
    }

    /** Sends the emails by SMTP (no TLS, no login) to the harness's server. */
    AppProcess smtp(int port) {
        return set("esim.mail.mode", "smtp").set("esim.smtp.host", "127.0.0.1").set("esim.smtp.port", port)
                .set("esim.smtp.security", "none");
    }

    /** The database at {@code url} instead of the dev profile's H2 file. */
    AppProcess database(String url, String user, String password) {
        return set("esim.db.url", url).set("esim.db.user", user).set("esim.db.password", password);
    }

    /** The JVM options: {@link #jvmOptions}, BENCH_APP_JAVA_OPTS, then the properties as -D options. */
    List<String> javaOptions() {
        List<String> options = new ArrayList<>(jvmOptions);
        // e.g. BENCH_APP_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/app.jfr,settings=profile to profile a figure
        String extra = System.getenv().getOrDefault("BENCH_APP_JAVA_OPTS", "");
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        props.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    List<String> command() {
        if (launcher) {
            return List.of(LAUNCHER.toString());
        }
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(javaOptions());
        command.addAll(List.of("-jar", JAR.toString()));
        return command;
    }

    /**
     * Started by {@code bin/esim-orders} instead of {@code java -jar}: the JVM options go in JAVA_OPTS, and the AppCDS
     * archive is {@code esim-orders.jsa} in the run folder (recorded by the first start, mapped by the next ones).
     */
    AppProcess viaLauncher() {
        launcher = true;
        return this;
    }

    /** The command as documented: run folder and ports shown as placeholders. */
    String shownCommand() {
        String shown = String.join(" ", command()).replace(JAR.toString(), "target/esim-orders.jar")
                .replace(LAUNCHER.toString(), "bin/esim-orders")
                .replace(JAVA, "java").replace(dir.toString(), "$RUN");
        shown = shown.replace("=" + httpPort, "=$PORT").replace("=" + brokerPort, "=$BROKER_PORT")
                .replaceAll("127\\.0\\.0\\.1:\\d+/sink", "127.0.0.1:\\$SINK_PORT/sink")
                .replaceAll("smtp\\.port=\\d+", "smtp.port=\\$SMTP_PORT");
        String envText = env.isEmpty() ? "" : env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + " " + b).orElse("") + " ";
        return envText.replace(dir.toString(), "$RUN") + shown;
    }

    /** Starts the JVM; returns at once (see {@link #awaitHealthy}). */
    AppProcess launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("app.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ESIM_") || name.startsWith("CAMEL_"));
        builder.environment().putAll(env);
        if (launcher) {
            builder.environment().put("JAVA", JAVA);
            builder.environment().put("ESIM_JAR", JAR.toString());
            builder.environment().put("ESIM_CDS_ARCHIVE", dir.resolve("esim-orders.jsa").toString());
            builder.environment().put("JAVA_OPTS", String.join(" ", javaOptions()));
        }
        startedNanos = System.nanoTime();
        process = builder.start();
        RUNNING.add(process);
        String pids = Bench.ENV.get("BENCH_PIDS");
        if (pids != null) {
            Files.writeString(Path.of(pids), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return this;
    }

    AppProcess start() throws IOException, InterruptedException {
        launch();
        awaitHealthy(180_000);
        return this;
    }

    /** Waits until GET /observe/health answers 200; returns the milliseconds since launch. */
    double awaitHealthy(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue()
                        + " before it was healthy; see " + dir.resolve("app.log") + tail());
            }
            if (status("/observe/health") == 200) {
                return (System.nanoTime() - startedNanos) / 1e6;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("not healthy within " + timeoutMs + " ms; see " + dir.resolve("app.log"));
    }

    int status(String path) {
        try {
            HttpURLConnection http = (HttpURLConnection) new URL("http://127.0.0.1:" + httpPort + path).openConnection();
            http.setConnectTimeout(1000);
            http.setReadTimeout(5000);
            int status = http.getResponseCode();
            http.disconnect();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** VmRSS of the process in MB, or NaN. */
    double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return Double.NaN;
    }

    /**
     * CPU time the process has used so far (user + system, from /proc/PID/stat, in clock ticks of 10 ms), in
     * seconds, or NaN.
     */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** {@link #cpuSeconds()} of any process, e.g. the harness's own. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the fields after the command name, which is in parentheses and may hold spaces
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** Runs a full GC in the child ({@code jcmd PID GC.run}) and answers the heap used after it in MB. */
    double heapAfterGcMb() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
    }

    /**
     * The JVM's own account of its memory ({@code jcmd PID VM.native_memory summary}; the child must run with
     * {@code -XX:NativeMemoryTracking=summary}): committed MB per category, in the JVM's order, then "Total".
     */
    Map<String, Double> nativeMemoryMb() throws IOException, InterruptedException {
        Map<String, Double> committed = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(?:-\\s+(.+?) \\(|(Total): )reserved=\\d+KB, committed=(\\d+)KB")
                .matcher(jcmd("VM.native_memory summary"));
        while (m.find()) {
            committed.put(m.group(1) != null ? m.group(1) : m.group(2), Long.parseLong(m.group(3)) / 1024.0);
        }
        return committed;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, String.valueOf(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    // ---------------------------------------------------------------- drop folder

    /** Writes a CSV of {@code count} one-unit orders (ids prefix-1 ...) beside the inbox; answers its path. */
    Path writeOrders(String prefix, int count) throws IOException {
        Path file = dir.resolve(prefix + ".csv");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("external_order_id,option_id,qty,customer_email,customer_name\n");
            for (int i = 1; i <= count; i++) {
                out.write(prefix + "-" + i + "," + PLANS[i % PLANS.length] + ",1,c" + i + "@example.com,Customer " + i + "\n");
            }
        }
        return file;
    }

    /** Moves the file into the inbox in one step; answers System.nanoTime() of the drop. */
    long drop(Path file) throws IOException {
        Path inbox = Files.createDirectories(work.resolve("inbox"));
        long dropped = System.nanoTime();
        Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        return dropped;
    }

    /** Waits for out/NAME.results.csv (written whole, renamed when complete); answers System.nanoTime() it appeared. */
    long awaitResults(Path dropped, long timeoutMs) throws InterruptedException {
        Path results = results(dropped);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!Files.exists(results)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + results + " within " + timeoutMs + " ms");
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue() + tail());
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    Path results(Path dropped) {
        return work.resolve("out").resolve(dropped.getFileName() + ".results.csv");
    }

    /** The rows of a results file: external_order_id, option_id, topup_ids, status. */
    List<CSVRecord> readResults(Path dropped) throws IOException {
        try (Reader in = Files.newBufferedReader(results(dropped), StandardCharsets.UTF_8)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
    }

    /** Throws unless every row of the results file is ACCEPTED; answers the rows. */
    List<CSVRecord> requireAllAccepted(Path dropped, int expected) throws IOException {
        List<CSVRecord> rows = readResults(dropped);
        long accepted = rows.stream().filter(row -> "ACCEPTED".equals(row.get("status"))).count();
        if (rows.size() != expected || accepted != expected) {
            String example = rows.stream().filter(row -> !"ACCEPTED".equals(row.get("status"))).findFirst()
                    .map(row -> row.get("status") + " " + row.get("error")).orElse("");
            throw new IllegalStateException(accepted + " of " + rows.size() + " rows ACCEPTED, expected " + expected
                    + " (e.g. " + example + ")");
        }
        return rows;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("app.log"));
            return "\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM (Camel drains and closes the database), SIGKILL after 60 s. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (process != null) {
            RUNNING.remove(process);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    static void killAll() {
        for (Process p : RUNNING) {
            p.destroyForcibly();
        }
        RUNNING.clear();
    }
}
