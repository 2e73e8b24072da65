package com.esimorders.db;

import com.esimorders.Settings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/** The connection pool, migrated to the current schema before any route starts. */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Pattern WRITE_DELAY = Pattern.compile("(?i);WRITE_DELAY=[^;]*");
    private static final Pattern CLOSE_ON_EXIT = Pattern.compile("(?i);DB_CLOSE_ON_EXIT=[^;]*");

    private Database() {
    }

    public static HikariDataSource start(Settings settings) {
        String url = durableUrl(settings.get("esim.db.url"));
        // an embedded H2 file is opened first alone, and stays open through that connection until the pool has it
        Connection firstH2Connection = isEmbeddedH2File(url)
                ? H2Leftovers.openFirst(url, settings.get("esim.db.user"), settings.get("esim.db.password"))
                : null;
        try {
            return start(settings, url);
        } finally {
            H2Leftovers.close(firstH2Connection);
        }
    }

    private static HikariDataSource start(Settings settings, String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("esim-db");
        config.setJdbcUrl(url);
        if (url.startsWith("jdbc:h2:")) {
            config.setExceptionOverrideClassName(H2ConnectionErrors.class.getName());
        }
        config.setUsername(settings.get("esim.db.user"));
        config.setPassword(settings.get("esim.db.password"));
        config.setMaximumPoolSize(settings.getInt("esim.db.pool-size"));
        config.setConnectionTimeout(settings.getInt("esim.db.connect-timeout-ms"));
        // start even when the database is down: health says not ready, webhooks answer 503, the pool retries
        config.setInitializationFailTimeout(-1);
        HikariDataSource dataSource = new HikariDataSource(config);
        // a database that is still starting up gets a few more tries
        Flyway.configure().dataSource(dataSource).connectRetries(5).load().migrate();
        warnIfCommitsAreNotDurable(dataSource);
        return dataSource;
    }

    /**
     * An H2 URL opened so that a commit is in the file before it is acknowledged (H2 otherwise writes committed
     * transactions up to half a second later: a killed process loses them), and closed by the application after
     * Camel has drained, not by H2's own JVM shutdown hook (except with AUTO_SERVER=TRUE, which H2 allows only with
     * its hook). Other URLs are returned unchanged.
     */
    public static String durableUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:h2:mem:")) {
            return url;
        }
        String durable = WRITE_DELAY.matcher(url).replaceAll("") + ";WRITE_DELAY=0";
        if (!isEmbeddedH2File(url)) {
            return durable;
        }
        if (lower.contains(";auto_server=true")) {
            LOG.warn("The H2 URL has AUTO_SERVER=TRUE: H2 then closes the database from its own shutdown hook, and a"
                    + " stop may fail the work still in flight. Leave AUTO_SERVER out.");
            return durable;
        }
        return CLOSE_ON_EXIT.matcher(durable).replaceAll("") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** An H2 database in a file this process opens itself (not in memory, not through an H2 server). */
    static boolean isEmbeddedH2File(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:mem:") && !lower.startsWith("jdbc:h2:tcp:")
                && !lower.startsWith("jdbc:h2:ssl:");
    }

    private static void warnIfCommitsAreNotDurable(HikariDataSource dataSource) {
        try {
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            String product = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
            LOG.info("Database pool opened on {}", product);
            if ("PostgreSQL".equals(product)
                    && "off".equalsIgnoreCase(jdbc.queryForObject("SHOW synchronous_commit", String.class))) {
                LOG.warn("PostgreSQL synchronous_commit is off: a database crash can lose orders that were sent and"
                        + " webhooks that were answered 200. Keep synchronous_commit on.");
            }
            if ("H2".equals(product)) {
                List<String> delays = jdbc.queryForList("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME = 'WRITE_DELAY'", String.class);
                LOG.info("H2 write delay {} ms (0: a commit is in the file before it is acknowledged)", delays);
            }
        } catch (RuntimeException e) {
            LOG.debug("could not check synchronous_commit", e);
        }
    }
}
