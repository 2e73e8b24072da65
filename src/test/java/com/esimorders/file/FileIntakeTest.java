package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.DropFolder;
import com.esimorders.TestApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real files in the real application's drop folder, a real database, the built-in sandbox provider over HTTP. */
@Tag("database")
public class FileIntakeTest {

    public static final String JP = "3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01";
    public static final String KR = "7b2e4d1c-5a6f-4e8b-b3c9-2d4e6f8a0b12";
    static final String EU = "c1d9e8f7-2b3a-4c5d-8e6f-7a8b9c0d1e23";
    public static final String HEADER = "external_order_id,option_id,qty,customer_email,customer_name";

    public static final Map<String, String> FAST_INTAKE = Map.of(
            "esim.intake.poll-interval-ms", "100",
            "esim.intake.read-lock-check-interval-ms", "300",
            "esim.intake.read-lock-timeout-ms", "3000",
            "esim.intake.lock-keep-alive-ms", "500",
            "esim.intake.lock-max-age-ms", "5000",
            "esim.sandbox.webhook-delay-ms", "100");

    private static TestApp app;
    private static DropFolder folder;

    @BeforeAll
    static void start() {
        app = TestApp.start(FAST_INTAKE);
        folder = new DropFolder(app.workDir);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void csvWithQuotedFieldsAndAMultiLineOrder() throws IOException {
        folder.drop("formats.csv", "\uFEFF" + HEADER + "\r\n"
                + "F-CSV-1," + JP + ",1,ann@example.com,\"Smith, Ann\"\r\n"
                + "F-CSV-1," + KR + ",2,,\r\n"
                + "F-CSV-2," + EU + ",1,,\"Bob \"\"B\"\", Jr\"\r\n");

        assertThat(folder.awaitFinished("formats.csv")).isEqualTo("done");
        List<Map<String, String>> rows = folder.rows("formats.csv");
        assertThat(rows).extracting(r -> r.get("line") + " " + r.get("status") + " " + r.get("external_order_id"))
                .containsExactly("2 ACCEPTED F-CSV-1", "3 ACCEPTED F-CSV-1", "4 ACCEPTED F-CSV-2");
        assertThat(rows.get(0).get("topup_ids")).matches("[0-9]{26}");
        assertThat(rows.get(1).get("topup_ids")).matches("[0-9]{26} [0-9]{26}");
        assertThat(app.jdbc().queryForMap("SELECT customer_name, source_ref FROM orders WHERE external_order_id = ?",
                "F-CSV-1")).containsEntry("CUSTOMER_NAME", "Smith, Ann").extractingByKey("SOURCE_REF").asString()
                .matches("formats\\.csv@20[0-9-]+T[0-9:.]+Z:2-3");
        assertThat(app.jdbc().queryForObject("SELECT customer_name FROM orders WHERE external_order_id = ?",
                String.class, "F-CSV-2")).isEqualTo("Bob \"B\", Jr");
        assertThat(app.jdbc().queryForList("SELECT option_id || ':' || qty FROM order_lines"
                + " WHERE external_order_id = ? ORDER BY line_no", String.class, "F-CSV-1"))
                .containsExactly(JP + ":1", KR + ":2");
    }

    @Test
    void jsonWithOneOrderOrAnArray() throws IOException {
        folder.drop("one.json", "{\"external_order_id\":\"F-JSON-1\",\"products\":[{\"option_id\":\"" + JP
                + "\",\"qty\":1}],\"customer\":{\"email\":\"j@example.com\",\"name\":\"Jo\"}}");
        folder.drop("many.json", "[\n"
                + "{\"external_order_id\":\"F-JSON-2\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":1},"
                + "{\"option_id\":\"" + KR + "\",\"qty\":1}]},\n"
                + "{\"external_order_id\":\"F-JSON-3\",\"products\":[{\"option_id\":\"" + EU + "\",\"qty\":2}]}\n]\n");

        assertThat(folder.awaitFinished("one.json")).isEqualTo("done");
        assertThat(folder.summary("one.json")).containsExactly("1 ACCEPTED F-JSON-1 " + JP);
        assertThat(folder.awaitFinished("many.json")).isEqualTo("done");
        assertThat(folder.summary("many.json")).containsExactlyInAnyOrder(
                "2 ACCEPTED F-JSON-2 " + JP, "2 ACCEPTED F-JSON-2 " + KR, "3 ACCEPTED F-JSON-3 " + EU);
        assertThat(app.jdbc().queryForObject("SELECT customer_email FROM orders WHERE external_order_id = ?",
                String.class, "F-JSON-1")).isEqualTo("j@example.com");
    }

    @Test
    void jsonLinesWithCrlf() throws IOException {
        folder.drop("orders.jsonl", "{\"external_order_id\":\"F-JSONL-1\",\"products\":[{\"option_id\":\"" + JP
                + "\",\"qty\":1}]}\r\n\r\n{\"external_order_id\":\"F-JSONL-2\",\"products\":[{\"option_id\":\"" + KR
                + "\",\"qty\":3}],\"customer\":{\"email\":\"l@example.com\"}}\r\n");

        assertThat(folder.awaitFinished("orders.jsonl")).isEqualTo("done");
        assertThat(folder.summary("orders.jsonl")).containsExactly("1 ACCEPTED F-JSONL-1 " + JP,
                "3 ACCEPTED F-JSONL-2 " + KR);
        assertThat(folder.rows("orders.jsonl").get(1).get("topup_ids").split(" ")).hasSize(3);
    }

    @Test
    void theExamplesGoThrough() throws IOException {
        for (String name : List.of("orders.csv", "orders.json", "orders.jsonl")) {
            Files.copy(Path.of("examples", name), app.workDir.resolve("inbox").resolve("example-" + name));
        }
        for (String name : List.of("orders.csv", "orders.json", "orders.jsonl")) {
            assertThat(folder.awaitFinished("example-" + name)).isEqualTo("done");
            assertThat(folder.rows("example-" + name)).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.get("status")).isIn("ACCEPTED", "COMPLETED"));
        }
        assertThat(folder.rows("example-orders.csv")).extracting(r -> r.get("line") + " " + r.get("external_order_id"))
                .containsExactly("2 EX-CSV-1", "3 EX-CSV-1", "4 EX-CSV-2");
        assertThat(app.jdbc().queryForObject("SELECT customer_name FROM orders WHERE external_order_id = 'EX-CSV-1'",
                String.class)).isEqualTo("Smith, Ann");
    }

    @Test
    void aMixedFileReportsEachBadLineAndTheGoodOnesGoThrough() throws IOException {
        folder.drop("mixed.csv", HEADER + "\n"
                + "M-1," + JP + ",1,m1@example.com,Mia\n"
                + "," + JP + ",1,,\n"
                + "M-3," + JP + ",0,,\n"
                + "M-4,,1,,\n"
                + "M-5," + JP + ",1,not-an-email,\n"
                + "M-6,00000000-0000-4000-8000-000000000000,1,,\n"
                + "M-7," + KR + ",2,,\n");

        assertThat(folder.awaitFinished("mixed.csv")).isEqualTo("done");
        assertThat(folder.summary("mixed.csv")).containsExactly(
                "2 ACCEPTED M-1 " + JP,
                "3 INVALID  " + JP + " external_order_id is blank",
                "4 INVALID M-3 " + JP + " qty must be a positive integer, got \"0\"",
                "5 INVALID M-4  option_id is missing",
                "6 INVALID M-5 " + JP + " customer email is not a well-formed address",
                "7 REJECTED M-6 00000000-0000-4000-8000-000000000000 Product with option_id not found",
                "8 ACCEPTED M-7 " + KR);
        assertThat(app.jdbc().queryForList("SELECT external_order_id FROM orders WHERE external_order_id LIKE 'M-%'"
                + " ORDER BY external_order_id", String.class)).containsExactly("M-1", "M-6", "M-7");
    }

    @Test
    void aFileWithNothingUsableGoesToError() throws IOException {
        folder.drop("junk.json", "{\"external_order_id\": ");

        assertThat(folder.awaitFinished("junk.json")).isEqualTo("error");
        assertThat(folder.rows("junk.json")).singleElement()
                .satisfies(r -> assertThat(r.get("status")).isEqualTo("INVALID"))
                .satisfies(r -> assertThat(r.get("error")).startsWith("malformed JSON"));
    }

    @Test
    void theSameOrdersDroppedAgainAreNotBoughtTwice() throws IOException {
        String csv = HEADER + "\nD-1," + JP + ",1,,\nD-2,00000000-0000-4000-8000-000000000000,1,,\n";
        folder.drop("again.csv", csv);
        assertThat(folder.awaitFinished("again.csv")).isEqualTo("done");
        String firstTopup = folder.rows("again.csv").get(0).get("topup_ids");

        folder.clear("again.csv");
        folder.drop("again.csv", csv);
        folder.drop("again-renamed.csv", csv + "D-3," + KR + ",1,,\n");

        assertThat(folder.awaitFinished("again.csv")).isEqualTo("done");
        assertThat(folder.awaitFinished("again-renamed.csv")).isEqualTo("done");
        List<String> again = folder.rows("again.csv").stream().map(r -> String.join(" ", r.get("line"), r.get("status"),
                r.get("topup_ids"), r.get("error"))).toList();
        // ACCEPTED, or COMPLETED once the sandbox's webhook has arrived
        assertThat(again.get(0)).matches("2 DUPLICATE " + firstTopup + " already recorded as (ACCEPTED|COMPLETED)");
        assertThat(again.get(1)).isEqualTo("3 DUPLICATE  already recorded as REJECTED: Product with option_id not found");
        assertThat(folder.summary("again-renamed.csv")).extracting(s -> s.split(" ")[1])
                .containsExactly("DUPLICATE", "DUPLICATE", "ACCEPTED");
        assertThat(app.jdbc().queryForList("SELECT external_order_id || ':' || attempts FROM orders"
                + " WHERE external_order_id LIKE 'D-%' ORDER BY external_order_id", String.class))
                .containsExactly("D-1:1", "D-2:1", "D-3:1");
        assertThat(sandboxTook("D-%")).containsExactly("D-1", "D-3");
    }

    @Test
    void aFileStillBeingWrittenIsNotReadUntilItIsComplete() throws Exception {
        Path file = app.workDir.resolve("inbox").resolve("slow.csv");
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 1; i <= 12; i++) {
                out.write(("S-" + i + "," + JP + ",1,,\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100); // a slow writer: the file changes more often than the read lock's check interval
            }
        }

        assertThat(folder.awaitFinished("slow.csv")).isEqualTo("done");
        assertThat(folder.rows("slow.csv")).hasSize(12).allMatch(r -> r.get("status").equals("ACCEPTED"));
    }

    @Test
    void anOrderThatFailsUnexpectedlyIsReportedAsAnErrorAndNothingIsSent() throws IOException {
        app.jdbc().execute("ALTER TABLE order_history RENAME TO order_history_offline");
        try {
            folder.drop("broken.csv", HEADER + "\nX-1," + JP + ",1,,\nX-2,,1,,\n");
            assertThat(folder.awaitFinished("broken.csv")).isEqualTo("error");
        } finally {
            app.jdbc().execute("ALTER TABLE order_history_offline RENAME TO order_history");
        }
        List<Map<String, String>> rows = folder.rows("broken.csv");
        assertThat(rows.get(0).get("status")).isEqualTo("ERROR");
        assertThat(rows.get(0).get("error")).startsWith("not processed: ").containsIgnoringCase("order_history");
        assertThat(rows.get(1).get("status")).isEqualTo("INVALID");
        assertThat(app.jdbc().queryForObject("SELECT COUNT(*) FROM orders WHERE external_order_id = 'X-1'",
                Integer.class)).isZero();
        assertThat(sandboxTook("X-%")).isEmpty();
    }

    /** The order ids the sandbox provider took (it refuses an id twice). */
    static List<String> sandboxTook(TestApp app, String like) {
        return app.jdbc().queryForList("SELECT external_order_id FROM sandbox_orders WHERE external_order_id LIKE ?"
                + " ORDER BY external_order_id", String.class, like);
    }

    private static List<String> sandboxTook(String like) {
        return sandboxTook(app, like);
    }
}
