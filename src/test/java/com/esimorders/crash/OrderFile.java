package com.esimorders.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A drop file of {@code count} one-unit orders in the README's CSV format
 * ({@code external_order_id,option_id,qty,customer_email,customer_name}), ids unique to the run, option_ids from the
 * packaged plans.csv in turn. The header is line 1, so order {@code i} (from 1) is line {@code i + 1}.
 */
final class OrderFile {

    record Line(int number, String externalOrderId, String optionId) {
    }

    private final String name;
    private final List<Line> lines;

    private OrderFile(String name, List<Line> lines) {
        this.name = name;
        this.lines = List.copyOf(lines);
    }

    static OrderFile generate(String runTag, int count) throws IOException {
        List<String> optionIds = packagedOptionIds();
        List<Line> lines = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            lines.add(new Line(i + 1, String.format("CRASH-%s-%05d", runTag, i), optionIds.get(i % optionIds.size())));
        }
        return new OrderFile("crash-" + runTag + ".csv", lines);
    }

    String name() {
        return name;
    }

    List<Line> lines() {
        return lines;
    }

    int size() {
        return lines.size();
    }

    Set<String> orderIds() {
        Set<String> ids = new LinkedHashSet<>();
        lines.forEach(line -> ids.add(line.externalOrderId()));
        return ids;
    }

    /** Writes the file under a temporary name in {@code staging}, then moves it into {@code inbox} atomically. */
    Path dropInto(Path inbox, Path staging) throws IOException {
        Files.createDirectories(staging);
        Files.createDirectories(inbox);
        Path temp = staging.resolve(name + ".part");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write("external_order_id,option_id,qty,customer_email,customer_name\n");
            for (Line line : lines) {
                int n = line.number() - 1;
                out.write(line.externalOrderId() + "," + line.optionId() + ",1,customer" + n + "@example.com,Customer "
                        + n + "\n");
            }
        }
        return Files.move(temp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The option_ids of the packaged plan catalogue (plans.csv on the test classpath). */
    static List<String> packagedOptionIds() throws IOException {
        List<String> ids = new ArrayList<>();
        try (InputStream in = OrderFile.class.getResourceAsStream("/plans.csv")) {
            if (in == null) {
                throw new IOException("plans.csv is not on the test classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            reader.readLine(); // header
            for (String row = reader.readLine(); row != null; row = reader.readLine()) {
                if (!row.isBlank()) {
                    ids.add(row.substring(0, row.indexOf(',')).trim());
                }
            }
        }
        return ids;
    }
}
