package com.esimorders;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** The drop folders of a test application: drop a file as a well-behaved writer does, wait for its results. */
public final class DropFolder {

    final Path work;

    public DropFolder(Path work) {
        this.work = work;
    }

    /** Writes the file next to the inbox, then moves it in: it appears complete. */
    public Path drop(String name, String content) throws IOException {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public Path drop(String name, byte[] content) throws IOException {
        Files.createDirectories(work.resolve("inbox"));
        Path temp = work.resolve(name + ".writing");
        Files.write(temp, content);
        return Files.move(temp, work.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    public Path results(String name) {
        return work.resolve("out").resolve(name + ".results.csv");
    }

    /** Waits until the file has left the inbox for done/ or error/ and its results are there; returns the folder. */
    public String awaitFinished(String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(results(name))
                && !Files.exists(work.resolve("inbox").resolve(name))
                && (Files.exists(work.resolve("done").resolve(name)) || Files.exists(work.resolve("error").resolve(name))));
        return Files.exists(work.resolve("done").resolve(name)) ? "done" : "error";
    }

    /** The results rows ordered by line (they are written in completion order). */
    public List<Map<String, String>> rows(String name) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(results(name))) {
            for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                rows.add(record.toMap());
            }
        }
        rows.sort(Comparator.comparingInt((Map<String, String> r) -> Integer.parseInt(r.get("line")))
                .thenComparing(r -> r.get("option_id")));
        return rows;
    }

    /** "line status external_order_id option_id error", one string per row, for compact assertions. */
    public List<String> summary(String name) throws IOException {
        return rows(name).stream().map(r -> String.join(" ", r.get("line"), r.get("status"), r.get("external_order_id"),
                r.get("option_id"), r.get("error")).trim()).toList();
    }

    public void clear(String name) throws IOException {
        Files.deleteIfExists(results(name));
        Files.deleteIfExists(work.resolve("done").resolve(name));
        Files.deleteIfExists(work.resolve("error").resolve(name));
    }
}
