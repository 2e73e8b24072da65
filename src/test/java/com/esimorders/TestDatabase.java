package com.esimorders;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database for one test application: an H2 in-memory database by default, or a new PostgreSQL
 * database when -Desim.test.postgres.url (an admin JDBC URL) is given, as .ci/run does.
 */
public final class TestDatabase {

    public static final String POSTGRES_URL = System.getProperty("esim.test.postgres.url", "");
    public static final String POSTGRES_USER = System.getProperty("esim.test.postgres.user", "postgres");
    public static final String POSTGRES_PASSWORD = System.getProperty("esim.test.postgres.password", "");

    private TestDatabase() {
    }

    public static boolean isPostgres() {
        return !POSTGRES_URL.isBlank();
    }

    /** Returns url, user, password of a new empty database. */
    public static String[] create() {
        String name = "esim_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        if (!isPostgres()) {
            return new String[] {"jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", ""};
        }
        try (Connection admin = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test database on " + POSTGRES_URL, e);
        }
        String url = POSTGRES_URL.substring(0, POSTGRES_URL.lastIndexOf('/') + 1) + name;
        return new String[] {url, POSTGRES_USER, POSTGRES_PASSWORD};
    }
}
