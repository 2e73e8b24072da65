package com.esimorders.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Hostile or broken files in the real application's drop folder: the sender reads why in out/, the poller goes on. */
@Tag("database")
class BadInputFileTest {

    static final String JP = FileIntakeTest.JP;
    static final String HEADER = FileIntakeTest.HEADER;

    private static TestApp app;
    private static DropFolder folder;

    @BeforeAll
    static void start() {
        app = TestApp.start(FileIntakeTest.FAST_INTAKE);
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
}
