package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.DropFolder;
import com.esimorders.TestApp;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two instances of the application on one drop folder and one database. */
@Tag("database")
class TwoInstancesTest {

    private static final int FILES = 8;
    private static final int ORDERS_PER_FILE = 15;

    private static TestApp first;
    private static TestApp second;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(FileIntakeTest.FAST_INTAKE);
        first = TestApp.start(settings);
        // the second instance's own sandbox would take the orders too: both send to the first one's
        settings.put("esim.provider.url", first.property("esim.provider.url"));
        settings.put("esim.work.dir", first.workDir.toString());
        settings.put("esim.db.url", first.property("esim.db.url"));
        settings.put("esim.db.user", first.property("esim.db.user"));
        settings.put("esim.db.password", first.property("esim.db.password"));
        second = TestApp.start(settings);
    }

    @AfterAll
    static void stop() {
        second.close();
        first.close();
    }

    @Test
    void eachFileIsProcessedByExactlyOneInstanceAndNoOrderIsBoughtTwice() throws IOException {
        DropFolder folder = new DropFolder(first.workDir);
        List<String> names = new ArrayList<>();
        for (int f = 1; f <= FILES; f++) {
            StringBuilder csv = new StringBuilder(FileIntakeTest.HEADER + "\n");
            // every file also carries the same shared order
            csv.append("C-SHARED,").append(FileIntakeTest.JP).append(",1,,\n");
            for (int o = 1; o <= ORDERS_PER_FILE; o++) {
                csv.append("C-").append(f).append('-').append(o).append(',').append(FileIntakeTest.KR).append(",1,,\n");
            }
            names.add("cluster-" + f + ".csv");
            folder.drop("cluster-" + f + ".csv", csv.toString());
        }

        List<String> statuses = new ArrayList<>();
        for (String name : names) {
            assertThat(folder.awaitFinished(name)).isEqualTo("done");
            folder.rows(name).forEach(r -> statuses.add(r.get("external_order_id") + " " + r.get("status")));
        }

        // a file processed twice would show its own orders as DUPLICATE the second time
        assertThat(statuses).filteredOn(s -> !s.startsWith("C-SHARED")).hasSize(FILES * ORDERS_PER_FILE)
                .allMatch(s -> s.endsWith(" ACCEPTED"));
        assertThat(statuses).filteredOn(s -> s.startsWith("C-SHARED"))
                .containsOnlyOnce("C-SHARED ACCEPTED").hasSize(FILES);
        assertThat(FileIntakeTest.sandboxTook(first, "C-%")).hasSize(FILES * ORDERS_PER_FILE + 1);
        assertThat(first.jdbc().queryForObject("SELECT MAX(attempts) FROM orders", Integer.class)).isEqualTo(1);
        assertThat(Files.list(first.workDir.resolve("inbox"))).isEmpty();
    }
}
