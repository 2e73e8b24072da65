package com.esimorders.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esimorders.Settings;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.tx.TransactionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * An H2 file left by a process killed in the middle of a commit: the accept transaction's undo log was marked
 * committed and stored, none of its writes turned committed yet (H2 stores the file map by map while other
 * threads commit, so such a version is what a SIGKILL can leave; CrashIT on H2 met one). H2 leaves that transaction
 * open at the next open; {@link H2Leftovers} finishes it. The same file, not closed cleanly, is also read once in
 * H2's recovery mode first.
 */
class H2LeftoversTest {

    private static final String ITEM = "INSERT INTO esim_items (topup_id, external_order_id, option_id, status)"
            + " VALUES ('T-1', 'O-1', 'JP-1GB', 'ORDERED')";

    private String url;

    @BeforeEach
    void fileWithACommitLeftHalfDone() throws Exception {
        Path dir = Files.createTempDirectory("esim-leftovers");
        String running = Database.durableUrl("jdbc:h2:file:" + dir.resolve("running"));
        List<Connection> connections = new ArrayList<>();
        try {
            Connection first = DriverManager.getConnection(running, "sa", "");
            connections.add(first);
            Flyway.configure().dataSource(new SingleConnectionDataSource(first, true)).load().migrate();
            jdbc(first).update("INSERT INTO orders (external_order_id, status, source_type) VALUES ('O-1', 'SENDING', 'FILE')");
            // transactions open meanwhile (H2 rolls them back at the next open): the accept's transaction id is not
            // the one the next session gets
            for (int i = 0; i < 3; i++) {
                Connection other = DriverManager.getConnection(running, "sa", "");
                connections.add(other);
                other.setAutoCommit(false);
                jdbc(other).update("INSERT INTO order_history (external_order_id, to_status, attempt)"
                        + " VALUES ('O-1', 'SENDING', 0)");
            }
            Connection accept = DriverManager.getConnection(running, "sa", "");
            connections.add(accept);
            accept.setAutoCommit(false);
            jdbc(accept).update("UPDATE orders SET status = 'ACCEPTED' WHERE external_order_id = 'O-1'");
            jdbc(accept).update(ITEM);
            // the first step of the accept's commit, as TransactionStore.commit takes it; then another thread's
            // commit stores the file, and the process is killed: the file is what it is at that moment
            SessionLocal session = (SessionLocal) accept.unwrap(JdbcConnection.class).getSession();
            Method markCommitted = TransactionStore.class.getDeclaredMethod("markUndoLogAsCommitted", int.class,
                    long.class);
            markCommitted.setAccessible(true);
            markCommitted.invoke(session.getDatabase().getStore().getTransactionStore(),
                    session.getTransaction().getId(), 1L);
            session.getDatabase().getStore().getMvStore().commit();
            Files.copy(dir.resolve("running.mv.db"), dir.resolve("killed.mv.db"));
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
        url = Database.durableUrl("jdbc:h2:file:" + dir.resolve("killed"));
    }

    @Test
    void h2AloneLeavesTheCommitOpenAndItsKeysLockedForGood() throws Exception {
        try (Connection connection = open()) {
            jdbc(connection).execute("SET LOCK_TIMEOUT 300");

            assertThat(jdbc(connection).queryForList("SELECT topup_id FROM esim_items", String.class)).isEmpty();
            assertThat(jdbc(connection).queryForObject(
                    "SELECT status FROM orders WHERE external_order_id = 'O-1'", String.class)).isEqualTo("SENDING");
            assertThatThrownBy(() -> connection.createStatement().executeUpdate(ITEM))
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.LOCK_TIMEOUT_1));
        }
    }

    @Test
    void theLeftCommitIsFinished() throws Exception {
        try (Connection connection = open()) {
            assertThat(H2Leftovers.finishCommits(connection)).isEqualTo(1);
            jdbc(connection).execute("SET LOCK_TIMEOUT 300");

            assertThat(jdbc(connection).queryForObject(
                    "SELECT status FROM orders WHERE external_order_id = 'O-1'", String.class)).isEqualTo("ACCEPTED");
            assertThat(jdbc(connection).queryForList("SELECT topup_id FROM esim_items WHERE external_order_id = 'O-1'",
                    String.class)).containsExactly("T-1");
            assertThatThrownBy(() -> jdbc(connection).update(ITEM)).isInstanceOf(DuplicateKeyException.class);
            assertThat(jdbc(connection).queryForObject("SELECT COUNT(*) FROM order_history", Integer.class))
                    .as("the transactions that were open at the kill are rolled back").isZero();
            assertThat(H2Leftovers.finishCommits(connection)).as("nothing left the second time").isZero();
        }
        try (Connection reopened = open()) {
            assertThat(jdbc(reopened).queryForList("SELECT topup_id FROM esim_items", String.class))
                    .as("finished for good").containsExactly("T-1");
        }
    }

    @Test
    void theApplicationFinishesItBeforeItsPoolOpensTheFile() throws Exception {
        try (HikariDataSource dataSource = Database.start(settings())) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            assertThat(jdbc.queryForObject(
                    "SELECT status FROM orders WHERE external_order_id = 'O-1'", String.class)).isEqualTo("ACCEPTED");
            assertThat(jdbc.queryForList("SELECT topup_id FROM esim_items", String.class)).containsExactly("T-1");
        }
    }

    @Test
    void aFileLeftByAKilledProcessIsReadInRecoveryModeFirstAndLosesNothing() throws Exception {
        Path killed = Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';')) + ".mv.db");
        assertThat(header(killed)).doesNotContain("clean:1");

        assertThat(H2Leftovers.recoverNewestVersion(killed)).isTrue();

        // the header now names the newest version and says it was closed cleanly: the next start reads no more
        assertThat(header(killed)).contains("clean:1");
        assertThat(H2Leftovers.recoverNewestVersion(killed)).isFalse();
        try (Connection connection = open()) {
            assertThat(H2Leftovers.finishCommits(connection)).isEqualTo(1);
            assertThat(jdbc(connection).queryForList("SELECT topup_id FROM esim_items", String.class))
                    .containsExactly("T-1");
        }
    }

    @Test
    void aFileClosedCleanlyIsOpenedAsItIs() throws Exception {
        try (Connection connection = open()) {
            H2Leftovers.finishCommits(connection);
        }
        Path closed = Path.of(url.substring("jdbc:h2:file:".length(), url.indexOf(';')) + ".mv.db");
        assertThat(header(closed)).contains("clean:1");

        assertThat(H2Leftovers.recoverNewestVersion(closed)).isFalse();
        assertThat(H2Leftovers.recoverNewestVersion(closed.resolveSibling("missing.mv.db"))).isFalse();
    }

    private static String header(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        return new String(bytes, 0, Math.min(bytes.length, 8192), StandardCharsets.ISO_8859_1);
    }

    private Settings settings() {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.putAll(Map.of("esim.db.url", url, "esim.db.user", "sa", "esim.db.password", "",
                "esim.db.pool-size", "2", "esim.db.connect-timeout-ms", "5000"));
        context.getPropertiesComponent().setInitialProperties(properties);
        return new Settings(context);
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection(url, "sa", "");
    }

    private static JdbcTemplate jdbc(Connection connection) {
        return new JdbcTemplate(new SingleConnectionDataSource(connection, true));
    }
}
