package com.esimorders.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Entry point of {@code bench/run}: runs the named figures ({@link Figures#ALL}) {@code BENCH_RUNS} times each and
 * writes their sections into {@code docs/benchmarks.md}, replacing only the sections of the figures it ran. Every
 * figure runs the packaged jar as a child JVM (see {@link AppProcess}).
 */
public final class Bench {

    static final Map<String, String> ENV = System.getenv();
    static final int RUNS = knob("BENCH_RUNS", 3);
    static final Path REPORT = Path.of("docs/benchmarks.md");

    private Bench() {
    }

    static int knob(String name, int fallback) {
        String value = ENV.get(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    static String knob(String name, String fallback) {
        String value = ENV.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public static void main(String[] args) throws Exception {
        List<String> names = args.length == 0 ? Figures.ALL : Arrays.asList(args);
        for (String name : names) {
            if (!Figures.ALL.contains(name)) {
                throw new IllegalArgumentException("unknown figure " + name + "; known: " + Figures.ALL);
            }
        }
        // the JDK HttpServer (stand-in provider, webhook sink) otherwise waits for a delayed ACK on every answer
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Runtime.getRuntime().addShutdownHook(new Thread(AppProcess::killAll, "bench-cleanup"));
        for (String name : names) {
            Figure figure = new Figure(name);
            System.out.printf("%n=== %s: %d run(s) ===%n", name, RUNS);
            for (int run = 1; run <= RUNS; run++) {
                System.out.printf("--- %s run %d/%d%n", name, run, RUNS);
                try {
                    Figures.run(figure, run);
                } catch (Exception e) {
                    e.printStackTrace();
                    figure.note("Run " + run + " failed: " + e.getClass().getSimpleName() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
                AppProcess.killAll();
            }
            String section = figure.markdown();
            System.out.println(section);
            writeSection(name, section);
        }
        System.exit(0); // the harness's HTTP sink and SMTP sink threads would keep the JVM alive
    }

    // ---------------------------------------------------------------- report

    private static final String INTRO = """
            # Benchmarks

            Measured by `bench/run` on the packaged jar (`target/esim-orders.jar`, started as a child JVM, driven over
            loopback). The measuring code is in `src/test/java/com/esimorders/bench/`; `bench/run` builds the jar with
            `mvn -B -q -o package -DskipTests`, writes the test classpath, and runs
            `java -cp target/test-classes:target/esim-orders.jar:<test classpath> com.esimorders.bench.Bench <figures>`.
            Each figure is run `BENCH_RUNS` times, each run on a fresh temporary work and data folder and free ports;
            a table shows the median and every run's value, the target and PASS or MISS (judged on the median). Where
            a target is a ratio, both sides are measured in the same run and the ratio is the median of the runs'
            ratios. The machine is shared and has 2 cores: the load generator, the SMTP server and the application share
            them, so read the ratios before the absolute values.

            Except in `e2e` (and `memory`, where they go to a sink in the harness), the built-in sandbox's own webhooks
            are delayed by a day (`esim.sandbox.webhook-delay-ms=86400000`), so that the application stores only the
            webhooks a figure sends itself.

            Rerun everything: `bench/run`. Rerun one figure: `BENCH_ONLY=webhooks bench/run` (comma list); only the
            sections of the figures run are replaced in this file. Knobs (environment):

            | knob | default | meaning |
            |---|---|---|
            | `BENCH_ONLY` | all | comma list of figures: `webhooks,emails,batch-latency,queue-latency,batch-overhead,memory,startup,e2e` |
            | `BENCH_RUNS` | 3 | runs per figure |
            | `BENCH_SECONDS` | 60 | load duration of the webhook figure (the run ends sooner when every seeded eSIM has had its webhook) |
            | `BENCH_DB` | `h2` | `h2`, `postgres` or `both`: databases of the webhook figure |
            | `BENCH_PG_URL`, `BENCH_PG_USER`, `BENCH_PG_PASSWORD` | | a THROWAWAY PostgreSQL database: its `public` schema is dropped and recreated for every run; without the URL the PostgreSQL rows are skipped with a note |
            | `BENCH_WEBHOOK_ORDERS` | 50000 | one-unit orders seeded for the webhook figure (each gets one webhook; 50,000 last the 60 s up to about 830 webhooks/s: H2 went faster in 2 of the 3 runs of figure 1, which then ended early) |
            | `BENCH_WEBHOOK_THREADS` | 32 | concurrent webhook senders, and raw JDBC threads |
            | `BENCH_ORDERS` | 10000 | orders of the batch-latency, queue-latency and batch-overhead figures |
            | `BENCH_OVERHEAD_CONCURRENCY` | 8 | orders in flight in batch-overhead (the app's intake parallelism and provider concurrency, and the raw composite's threads) |
            | `BENCH_EMAIL_SECONDS` | 10 | duration of the in-process email composition measurement |
            | `BENCH_MEMORY_LINES` | 1000000 | lines of the memory figure's CSV |
            | `BENCH_E2E_ORDERS` | 1000 | orders of the e2e figure |
            | `BENCH_KEEP` | 0 | 1 keeps the temporary folders (application logs, databases) and prints where |
            | `BENCH_APP_JAVA_OPTS` | | extra JVM options for every application JVM, e.g. `-XX:StartFlightRecording=filename=/tmp/app.jfr,settings=profile` to profile a figure |
            | `BENCH_NO_BUILD` | 0 | 1 skips the Maven build (the jar and test classes must be current) |
            """;

    private static synchronized void writeSection(String name, String section) throws IOException {
        String existing = Files.exists(REPORT) ? Files.readString(REPORT, StandardCharsets.UTF_8) : "";
        Map<String, String> sections = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("(?s)<!-- figure:([a-z0-9-]+) -->.*?<!-- /figure:\\1 -->\n?").matcher(existing);
        while (matcher.find()) {
            sections.put(matcher.group(1), matcher.group());
        }
        sections.put(name, section);
        StringBuilder out = new StringBuilder(INTRO);
        for (String figure : Figures.ALL) {
            if (sections.containsKey(figure)) {
                out.append('\n').append(sections.get(figure).strip()).append('\n');
            }
        }
        // hand-written sections (e.g. the analysis of what limits the figures) are kept, after the figures
        sections.forEach((figure, text) -> {
            if (!Figures.ALL.contains(figure)) {
                out.append('\n').append(text.strip()).append('\n');
            }
        });
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, out.toString(), StandardCharsets.UTF_8);
    }

    static String machine() {
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // not Linux: left 0
        }
        String load = "";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (nproc), %.1f GiB memory (MemTotal), %s; load average %s at the end",
                Runtime.getRuntime().availableProcessors(), memKb / 1024.0 / 1024.0, javaVersion(), load);
    }

    private static String javaVersion() {
        try {
            Process p = new ProcessBuilder(AppProcess.JAVA, "-version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return String.join("; ", text.strip().lines().toList());
        } catch (IOException | InterruptedException e) {
            return System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
        }
    }

    // ---------------------------------------------------------------- statistics

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The p-th percentile (0..100) of sorted values, nearest rank. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    // ---------------------------------------------------------------- one figure's table

    /** One figure: its rows (a value per run), target per row, notes and commands; rendered as a section. */
    static final class Figure {
        final String name;
        final List<String> notes = new ArrayList<>();
        final List<String> commands = new ArrayList<>();
        private final Map<String, Row> rows = new LinkedHashMap<>();

        Figure(String name) {
            this.name = name;
        }

        /** Declares (or finds) a row; rows appear in the order first declared. */
        Row row(String key, String label, String format) {
            return rows.computeIfAbsent(key, k -> new Row(label, format));
        }

        void value(String key, int run, double value) {
            Row row = rows.get(key);
            if (row == null) {
                throw new IllegalStateException("row " + key + " not declared");
            }
            while (row.values.size() < run - 1) {
                row.values.add(Double.NaN);
            }
            row.values.add(value);
        }

        void note(String note) {
            if (!notes.contains(note)) {
                notes.add(note);
            }
        }

        void command(String command) {
            if (!commands.contains(command)) {
                commands.add(command);
            }
        }

        String markdown() {
            StringBuilder md = new StringBuilder();
            md.append("<!-- figure:").append(name).append(" -->\n");
            md.append("## ").append(Figures.title(name)).append("\n\n");
            md.append(Figures.description(name)).append("\n\n");
            md.append("- Command: `").append(Figures.rerun(name)).append("`\n");
            md.append("- Measured: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE))
                    .append(", ").append(RUNS).append(" run(s)\n");
            md.append("- Machine: ").append(machine()).append("\n");
            for (String command : commands) {
                md.append("- Child: `").append(command).append("`\n");
            }
            md.append('\n');
            StringBuilder header = new StringBuilder("| figure |");
            StringBuilder line = new StringBuilder("|---|");
            for (int run = 1; run <= RUNS; run++) {
                header.append(" run ").append(run).append(" |");
                line.append("---|");
            }
            md.append(header).append(" median | target | result |\n").append(line).append("---|---|---|\n");
            rows.values().forEach(row -> md.append(row.markdown()).append('\n'));
            if (!notes.isEmpty()) {
                md.append('\n');
                notes.forEach(note -> md.append("- ").append(note).append('\n'));
            }
            md.append("<!-- /figure:").append(name).append(" -->\n");
            return md.toString();
        }
    }

    static final class Row {
        final String label;
        final String format;
        final List<Double> values = new ArrayList<>();
        String target = "";
        DoublePredicate check;

        Row(String label, String format) {
            this.label = label;
            this.format = format;
        }

        Row target(String text, DoublePredicate ok) {
            this.target = text;
            this.check = ok;
            return this;
        }

        String markdown() {
            StringBuilder md = new StringBuilder("| ").append(label).append(" |");
            List<Double> measured = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                double value = run < values.size() ? values.get(run) : Double.NaN;
                md.append(' ').append(format(value)).append(" |");
                if (!Double.isNaN(value)) {
                    measured.add(value);
                }
            }
            double median = median(measured);
            String result = check == null ? "" : Double.isNaN(median) ? "no data" : check.test(median) ? "PASS" : "MISS";
            md.append(' ').append(format(median)).append(" | ").append(target).append(" | ").append(result).append(" |");
            return md.toString();
        }

        private String format(double value) {
            return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, format, value);
        }
    }
}
