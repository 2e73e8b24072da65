package com.esimorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/esim-orders} on the packaged jar: the first start records an AppCDS archive when it is stopped, and the
 * next start maps it ({@code -Xshare:on} makes that JVM refuse to start otherwise); a recording of another jar is
 * recorded again.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("bin", "esim-orders").toAbsolutePath();
    private static final Path JAR = Path.of("target", "esim-orders.jar").toAbsolutePath();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void theFirstStartRecordsTheArchiveWhenStoppedAndTheNextStartMapsIt(@TempDir Path dir) throws Exception {
        Path archive = dir.resolve("esim-orders.jsa");
        Path recording = dir.resolve("esim-orders.jsa.new");
        // a copy of the jar, whose time the test changes below
        Path jar = Files.copy(JAR, dir.resolve("esim-orders.jar"));
        int port = TestApp.freePort();
        Map<String, String> env = new HashMap<>(Map.of("ESIM_JAR", jar.toString(), "ESIM_CDS_ARCHIVE", archive.toString(),
                "ESIM_HTTP_PORT", String.valueOf(port), "ESIM_BROKER_EMBEDDED_PORT", String.valueOf(TestApp.freePort()),
                "ESIM_DATA_DIR", dir.resolve("data").toString(), "ESIM_WORK_DIR", dir.resolve("orders").toString()));

        Process first = start(env, dir.resolve("first.log"), port);
        assertThat(recording).doesNotExist();
        first.destroy();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("the first start stopped on SIGTERM").isTrue();
        assertThat(recording).isNotEmptyFile();
        assertThat(archive).doesNotExist();
        // the JDK's notes on what it cannot archive stay out of the log, and so does the shutdown WARN the HTTP
        // server gave when Vert.x was closed before it
        assertThat(Files.readString(dir.resolve("first.log"))).doesNotContain("[cds", "Error occurred while shutting down")
                .containsPattern("Apache Camel \\(Main\\) .* is shutdown");

        env.put("JAVA_OPTS", "-Xshare:on");
        Process second = start(env, dir.resolve("second.log"), port);
        try {
            assertThat(archive).isNotEmptyFile();
            assertThat(recording).doesNotExist();
            assertThat(second.info().commandLine()).hasValueSatisfying(command ->
                    assertThat(command).contains("-XX:SharedArchiveFile=" + archive));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }

        // a new jar (here: the jar's time changed, which the archives recorded do not match), then a recording of the
        // old one written after it (the previous build's JVM stopped after the new jar was copied in): the recording
        // is dropped and the jar recorded again, not mapped
        Files.copy(archive, recording);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(120)));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        env.remove("JAVA_OPTS");
        Process third = start(env, dir.resolve("third.log"), port);
        try {
            assertThat(third.info().commandLine()).hasValueSatisfying(command ->
                    assertThat(command).contains("-XX:ArchiveClassesAtExit=" + recording));
        } finally {
            third.destroy();
            third.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Runs the launcher (dev profile, on the given folders and ports) until GET /observe/health answers 200. */
    private Process start(Map<String, String> env, Path log, int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ESIM_") || name.startsWith("CAMEL_")
                || name.equals("JAVA_OPTS"));
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                .timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as(() -> "the launcher's JVM ended:\n" + read(log)).isTrue();
            try {
                return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException notYet) {
                return false;
            }
        });
        return process;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
