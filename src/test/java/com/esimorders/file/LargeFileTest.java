package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.EsimOrdersApplication;
import com.esimorders.HttpTrap;
import com.esimorders.TestApp;
import com.esimorders.TestDatabase;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A large order file through the whole application (built-in sandbox provider, real database) running in its own
 * JVM with a 96 MB heap: it completes, every line gets its row, and the live heap (sampled after a full collection
 * every second) does not grow over the second half of the file. The suite uses
 * 5,000 lines (about half a minute here); the README's benchmark runs 100,000 with
 * {@code -Desim.test.large-file-lines=100000}.
 */
@Tag("database")
class LargeFileTest {

    private static final int LINES = Integer.getInteger("esim.test.large-file-lines", 5_000);
    private static final String HEAP = "96m";
    private static final Pattern FULL_GC = Pattern.compile("Pause Full \\(Diagnostic Command\\) [0-9]+M->([0-9]+)M");

    @Test
    void aLargeFileIsStreamedUnderACappedHeap() throws Exception {
        Path root = Files.createTempDirectory("esim-large");
        Path work = root.resolve("orders");
        int httpPort = TestApp.freePort();
        String[] db = TestDatabase.isPostgres() ? TestDatabase.create()
                : new String[] {"jdbc:h2:file:" + root.resolve("db") + ";CACHE_SIZE=8192", "sa", ""};
        try (HttpTrap webhookSink = new HttpTrap(200)) {
            Map<String, String> settings = new TreeMap<>(Map.of(
                    "esim.http.port", String.valueOf(httpPort),
                    "esim.broker.embedded-port", String.valueOf(TestApp.freePort()),
                    "esim.data.dir", root.resolve("data").toString(),
                    "esim.work.dir", work.toString(),
                    "esim.db.url", db[0], "esim.db.user", db[1], "esim.db.password", db[2],
                    "esim.intake.poll-interval-ms", "200",
                    "esim.intake.progress-every", "10000"));
            settings.put("esim.intake.read-lock-check-interval-ms", "500");
            // the sandbox's webhooks go to a sink at once: they are not what this test measures
            settings.put("esim.sandbox.webhook-url", webhookSink.url() + "/webhooks");
            settings.put("esim.sandbox.webhook-delay-ms", "0");
            settings.put("esim.sandbox.webhook-max-attempts", "1");
            Process app = start(settings, root.resolve("app.log"), root.resolve("gc.log"));
            try {
                HttpClient http = HttpClient.newHttpClient();
                awaitHealthy(http, httpPort, app);
                Path file = generate(root.resolve("large.csv"), LINES);
                long start = System.nanoTime();
                Files.move(file, work.resolve("inbox").resolve("large.csv"), StandardCopyOption.ATOMIC_MOVE);

                Path results = work.resolve("out").resolve("large.csv.results.csv");
                // the heap in use right after a full collection (the live data), sampled along the run
                List<Double> liveMb = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                while (!Files.exists(results) || !Files.exists(work.resolve("done").resolve("large.csv"))) {
                    assertThat(app.isAlive()).as("the application is running (see %s)", root.resolve("app.log")).isTrue();
                    assertThat(System.nanoTime()).as("finished within 15 minutes").isLessThan(deadline);
                    fullGc(app);
                    Thread.sleep(1000); // sampling interval
                }
                liveMb.addAll(liveAfterFullGcMb(root.resolve("gc.log")));
                double seconds = (System.nanoTime() - start) / 1e9;

                Map<String, Integer> statuses = new TreeMap<>();
                int rows = 0;
                try (Reader reader = Files.newBufferedReader(results)) {
                    for (CSVRecord row : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                            .parse(reader)) {
                        statuses.merge(row.get("status"), 1, Integer::sum);
                        rows++;
                    }
                }
                System.out.printf("large file: %d lines in %.1f s (%.0f lines/s), live heap after GC %s MB (max %s), %s%n",
                        LINES, seconds, LINES / seconds, liveMb.stream().map(mb -> String.format("%.1f", mb)).toList(),
                        HEAP, statuses);
                assertThat(rows).isEqualTo(LINES);
                assertThat(statuses.get("INVALID")).isEqualTo(LINES / 1000);
                assertThat(statuses.get("ACCEPTED") + statuses.getOrDefault("COMPLETED", 0))
                        .isEqualTo(LINES - LINES / 1000);
                // memory does not grow with the file: what is live at the end is what was live half-way. Not from the
                // start: H2 keeps a record of every chunk of its file (one per commit, about 180 bytes with its
                // bookkeeping) at least for its retention time and until its housekeeping has rewritten it, so those
                // records grow for the first minutes of a load to a level set by the commit rate, then stay there
                // (100,000 lines here: 62,000 records, about 11 MB, reached after 2 minutes). 1 KB kept per order
                // would be 2.5 MB over the second half of 5,000 lines, 50 MB over that of 100,000; the samples vary
                // by about 2 MB
                assertThat(liveMb).as("live heap samples").hasSizeGreaterThanOrEqualTo(10);
                List<Double> secondHalf = liveMb.subList(liveMb.size() / 2, liveMb.size());
                double early = secondHalf.subList(0, 3).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                double late = secondHalf.subList(secondHalf.size() - 3, secondHalf.size()).stream()
                        .mapToDouble(Double::doubleValue).max().orElseThrow();
                assertThat(late - early).as("live heap growth from %.1f MB to %.1f MB", early, late).isLessThan(6);
            } finally {
                app.destroy();
                app.waitFor();
            }
        }
    }

    /** {@code lines} data lines: one order each, every thousandth one invalid (qty 0). */
    private static Path generate(Path file, int lines) throws IOException {
        List<String> options = List.of(FileIntakeTest.JP, FileIntakeTest.KR, FileIntakeTest.EU);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(FileIntakeTest.HEADER + "\n");
            for (int i = 1; i <= lines; i++) {
                out.write("LARGE-" + i + "," + options.get(i % 3) + "," + (i % 1000 == 0 ? 0 : 1)
                        + ",customer" + i + "@example.com,\"Customer " + i + ", Large\"\n");
            }
        }
        return file;
    }

    private static Process start(Map<String, String> settings, Path log, Path gcLog) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                "-cp", System.getProperty("java.class.path")));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add(EsimOrdersApplication.class.getName());
        return new ProcessBuilder(command).directory(log.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static void awaitHealthy(HttpClient http, int port, Process app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && app.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/observe/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the application did not become healthy");
    }

    /** A full collection in the application's JVM (jcmd GC.run), so that the heap gauge shows live data. */
    private static void fullGc(Process app) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(app.pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        jcmd.waitFor();
    }

    /** The heap left after each full collection the test asked for, from the GC log ("Pause Full (Diagnostic Command) 60M->45M(96M)"). */
    private static List<Double> liveAfterFullGcMb(Path gcLog) throws IOException {
        List<Double> live = new ArrayList<>();
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = FULL_GC.matcher(line);
            if (m.find()) {
                live.add(Double.parseDouble(m.group(1)));
            }
        }
        return live;
    }
}
