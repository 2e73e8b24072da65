package com.esimorders.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A commit the database acknowledged survives a SIGKILL of the process: a child JVM commits one row at a time on
 * an H2 file database opened the way the application opens it (here from a URL that asks for H2's half-second
 * write delay), prints each acknowledged id, and is killed mid-stream. Every acknowledged row must be in the file.
 */
class DurableCommitTest {

    @Test
    void everyAcknowledgedCommitSurvivesSigkill() throws Exception {
        Path dir = Files.createTempDirectory("esim-durable");
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=500";
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommitLoop.class.getName(), url)
                .redirectErrorStream(true).start();
        long acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    acknowledged = Long.parseLong(line.substring(10));
                    if (acknowledged >= 3_000) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no final flush
                        break;
                    }
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(acknowledged).isEqualTo(3_000);

        try (Connection connection = DriverManager.getConnection(Database.durableUrl(url), "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*), MAX(id) FROM commits")) {
            rows.next();
            assertThat(rows.getLong(2)).as("the last acknowledged commit is on disk").isGreaterThanOrEqualTo(acknowledged);
            assertThat(rows.getLong(1)).isEqualTo(rows.getLong(2));
        }
    }

    @Test
    void everyH2UrlIsOpenedWithoutWriteDelayAndClosedByTheApplication() {
        assertThat(Database.durableUrl("jdbc:h2:file:./data/esim;CACHE_SIZE=8192;write_delay=500"))
                .isEqualTo("jdbc:h2:file:./data/esim;CACHE_SIZE=8192;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        // H2 refuses DB_CLOSE_ON_EXIT=FALSE with AUTO_SERVER=TRUE
        assertThat(Database.durableUrl("jdbc:h2:file:./data/esim;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:./data/esim;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(Database.durableUrl("jdbc:h2:./esim")).isEqualTo("jdbc:h2:./esim;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(Database.durableUrl("jdbc:h2:tcp://db:9092/esim")).isEqualTo("jdbc:h2:tcp://db:9092/esim;WRITE_DELAY=0");
        assertThat(Database.durableUrl("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isEqualTo("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1");
        assertThat(Database.durableUrl("jdbc:postgresql://db/esim")).isEqualTo("jdbc:postgresql://db/esim");
    }

    /** The child process: commits rows 1, 2, 3, ... one transaction each, printing each id once acknowledged. */
    public static final class CommitLoop {
        public static void main(String[] args) throws Exception {
            try (Connection connection = DriverManager.getConnection(Database.durableUrl(args[0]), "sa", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE commits (id BIGINT PRIMARY KEY)");
                connection.setAutoCommit(false);
                for (long id = 1; ; id++) {
                    statement.execute("INSERT INTO commits (id) VALUES (" + id + ")");
                    connection.commit();
                    System.out.println("committed " + id);
                    System.out.flush();
                }
            }
        }
    }
}
