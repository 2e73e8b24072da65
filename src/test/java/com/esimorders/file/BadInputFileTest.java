package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.DropFolder;
import com.esimorders.TestApp;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Hostile or broken files in the real application's drop folder: the sender reads why in out/, the poller goes on. */
@Tag("database")
class BadInputFileTest {

    static final String JP = FileIntakeTest.JP;
    static final String KR = FileIntakeTest.KR;
    static final String EU = FileIntakeTest.EU;
    static final String HEADER = FileIntakeTest.HEADER;

    private static TestApp app;
    private static DropFolder folder;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(FileIntakeTest.FAST_INTAKE);
        // as on a Windows machine whose Excel saves CSV in its ANSI code page
        settings.put("esim.intake.charset", "windows-1252");
        app = TestApp.start(settings);
        folder = new DropFolder(app.workDir);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void anEmptyFileGoesToErrorWithItsReasonAndTheNextFilesAreRead() throws IOException {
        for (String name : new String[] {"empty.csv", "empty.json", "empty.jsonl"}) {
            folder.drop(name, "");
        }
        folder.drop("after-empty.csv", HEADER + "\nE-1," + JP + ",1,,\n");

        assertThat(folder.awaitFinished("after-empty.csv")).isEqualTo("done");
        assertThat(folder.summary("after-empty.csv")).containsExactly("2 ACCEPTED E-1 " + JP);
        for (String name : new String[] {"empty.csv", "empty.json", "empty.jsonl"}) {
            assertThat(folder.awaitFinished(name)).as(name).isEqualTo("error");
            assertThat(folder.summary(name)).as(name).containsExactly("1 INVALID   the file is empty");
        }
    }

    @Test
    void theConfiguredCharsetReadsAnExcelFileAndAByteOrderMarkWinsOverIt() throws IOException {
        folder.drop("excel.csv", (HEADER + "\r\nCS-1," + JP + ",1,,Müller\r\n").getBytes(Charset.forName("windows-1252")));
        folder.drop("utf8-bom.csv", ("\uFEFF" + HEADER + "\nCS-2," + KR + ",1,,Jürgen\n").getBytes(StandardCharsets.UTF_8));
        folder.drop("utf16-bom.csv", ("\uFEFF" + HEADER + "\nCS-3," + EU + ",1,,Zoë\n").getBytes(StandardCharsets.UTF_16LE));

        for (String name : List.of("excel.csv", "utf8-bom.csv", "utf16-bom.csv")) {
            assertThat(folder.awaitFinished(name)).as(name).isEqualTo("done");
        }
        assertThat(app.jdbc().queryForList("SELECT customer_name FROM orders WHERE external_order_id LIKE 'CS-%'"
                + " ORDER BY external_order_id", String.class)).containsExactly("Müller", "Jürgen", "Zoë");
    }

    @Test
    void anOrderWithALineThatCannotBeReadIsNotBoughtInPart() throws IOException {
        String broken = "not sent: line 3 of this order is invalid: expected 5 fields, found 6";
        folder.drop("split.csv", HEADER + "\n"
                + "SP-1," + JP + ",1,,Ann\n"
                + "SP-1," + KR + ",1,,Smith, Ann\n"
                + "SP-1," + EU + ",1,,Ann\n"
                + "SP-2," + JP + ",1,,Cy\n");

        assertThat(folder.awaitFinished("split.csv")).isEqualTo("done");
        assertThat(folder.summary("split.csv")).containsExactly(
                "2 INVALID SP-1 " + JP + " " + broken,
                "3 INVALID SP-1 " + KR + " expected 5 fields, found 6",
                "4 INVALID SP-1 " + EU + " " + broken,
                "5 ACCEPTED SP-2 " + JP);
        assertThat(FileIntakeTest.sandboxTook(app, "SP-%")).containsExactly("SP-2");
        assertThat(app.jdbc().queryForList("SELECT external_order_id FROM orders WHERE external_order_id LIKE 'SP-%'",
                String.class)).containsExactly("SP-2");
    }

    @Test
    void cellsThatWouldRunAsFormulasComeBackEscapedAndATypoInQtyIsNotBought() throws IOException {
        folder.drop("hostile.csv", HEADER + "\n"
                + "=1+2,@SUM(A1:A9),-1,,\n"
                + "+H-2," + JP + ",1000,,\n"
                + "H-3," + JP + ",1,,\n");

        assertThat(folder.awaitFinished("hostile.csv")).isEqualTo("done");
        assertThat(folder.summary("hostile.csv")).containsExactly(
                "2 INVALID '=1+2 '@SUM(A1:A9) qty must be a positive integer, got \"-1\"",
                "3 INVALID '+H-2 " + JP + " order has 1000 units, more than esim.order.max-units=100",
                "4 ACCEPTED H-3 " + JP);
        assertThat(FileIntakeTest.sandboxTook(app, "%H-%")).containsExactly("H-3");
    }
}
