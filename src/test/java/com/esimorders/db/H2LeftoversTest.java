package com.esimorders.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esimorders.Settings;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.tx.TransactionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * An H2 file that a crash left with writes whose transaction is gone (the file H2 writes when it stores a version
 * with a transaction's rows but without its undo log, and the process is killed before the next one): without
 * {@link H2Leftovers} an insert of such a key times out on a lock for good; with it, the key is free and the committed
 * values are back.
 */
class H2LeftoversTest {

    private static final String ITEM = "INSERT INTO esim_items (topup_id, external_order_id, option_id, status)"
            + " VALUES ('T-1', 'O-1', 'JP-1GB', 'ORDERED')";

    private Path database;
    private String url;

    @BeforeEach
    void fileWithLeftovers() throws Exception {
        database = Files.createTempDirectory("esim-leftovers").resolve("db");
        url = Database.durableUrl("jdbc:h2:file:" + database);
        try (HikariDataSource dataSource = Database.start(settings())) {
            new JdbcTemplate(dataSource).update("INSERT INTO orders (external_order_id, status, source_type)"
                    + " VALUES ('O-1', 'SENDING', 'FILE')");
        }
        List<Connection> others = new ArrayList<>();
        try (Connection setup = open(); Connection accept = open()) {
            // transactions open meanwhile (H2 rolls them back at the next open): the accept's transaction id is not
            // one the next session will have
            for (int i = 0; i < 3; i++) {
                Connection other = open();
                others.add(other);
                other.setAutoCommit(false);
                jdbc(other).update("INSERT INTO order_history (external_order_id, to_status, attempt)"
                        + " VALUES ('O-1', 'SENDING', 0)");
            }
            accept.setAutoCommit(false);
            jdbc(accept).update("UPDATE orders SET status = 'ACCEPTED' WHERE external_order_id = 'O-1'");
            jdbc(accept).update(ITEM);
            // the accept's writes go into the file without its undo log, and the process dies
            SessionLocal session = session(accept);
            MVStore store = session.getDatabase().getStore().getMvStore();
            store.openMap(TransactionStore.UNDO_LOG_NAME_PREFIX + "." + session.getTransaction().getId()).clear();
            store.commit();
            jdbc(setup).execute("SHUTDOWN IMMEDIATELY");
        } finally {
            for (Connection other : others) {
                other.close();
            }
        }
    }

    @Test
    void withoutTheRollBackAnInsertOfTheLeftKeyWaitsForALockThatNoOneHolds() throws Exception {
        try (Connection connection = open()) {
            jdbc(connection).execute("SET LOCK_TIMEOUT 300");

            assertThat(jdbc(connection).queryForList("SELECT topup_id FROM esim_items", String.class)).isEmpty();
            assertThatThrownBy(() -> connection.createStatement().executeUpdate(
                    ITEM))
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ErrorCode.LOCK_TIMEOUT_1));
        }
    }

    @Test
    void theRollBackFreesTheKeysAndKeepsTheCommittedValues() throws Exception {
        try (Connection connection = open()) {
            assertThat(H2Leftovers.rollBack(connection)).as("the order row and the item's row and index entries")
                    .isGreaterThanOrEqualTo(4);
            jdbc(connection).execute("SET LOCK_TIMEOUT 300");

            assertThat(jdbc(connection).queryForObject(
                    "SELECT status FROM orders WHERE external_order_id = 'O-1'", String.class)).isEqualTo("SENDING");
            assertThat(jdbc(connection).update(ITEM)).isEqualTo(1);
            assertThat(jdbc(connection).update(
                    "UPDATE orders SET status = 'ACCEPTED' WHERE external_order_id = 'O-1'")).isEqualTo(1);
            assertThat(jdbc(connection).queryForList("SELECT topup_id FROM esim_items WHERE external_order_id = 'O-1'",
                    String.class)).containsExactly("T-1");
            assertThat(H2Leftovers.rollBack(connection)).as("nothing left the second time").isZero();
        }
    }

    @Test
    void theApplicationRollsThemBackWhenTheLastRunDidNotStopCleanly() throws Exception {
        Path inUse = Path.of(database + ".in-use");
        Files.createFile(inUse); // left by the run that was killed

        try (HikariDataSource dataSource = Database.start(settings())) {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            jdbc.execute("SET LOCK_TIMEOUT 300");
            assertThat(jdbc.update(ITEM)).isEqualTo(1);
            assertThat(inUse).exists();
        }
        assertThat(inUse).as("deleted once the pool has closed the database").doesNotExist();
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

    private static SessionLocal session(Connection connection) throws SQLException {
        return (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
    }

    private static JdbcTemplate jdbc(Connection connection) {
        return new JdbcTemplate(new SingleConnectionDataSource(connection, true));
    }
}
