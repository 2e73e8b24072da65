package com.esimorders.db;

import com.esimorders.Settings;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The connection pool, migrated to the current schema before any route starts. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource start(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("esim-db");
        config.setJdbcUrl(settings.get("esim.db.url"));
        config.setUsername(settings.get("esim.db.user"));
        config.setPassword(settings.get("esim.db.password"));
        config.setMaximumPoolSize(settings.getInt("esim.db.pool-size"));
        config.setConnectionTimeout(5_000);
        // start even when the database is down: health says not ready, webhooks answer 503, the pool retries
        config.setInitializationFailTimeout(-1);
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }
}
