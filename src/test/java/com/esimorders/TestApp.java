package com.esimorders;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The real application, started in-process on free ports, a temporary work folder and a fresh database.
 * Test classes start one in @BeforeAll and share it between their tests.
 */
public final class TestApp implements AutoCloseable {

    private final Main main;
    private final Map<String, String> properties;
    public final int httpPort;
    public final Path dataDir;
    public final Path workDir;

    private TestApp(Main main, Map<String, String> properties, int httpPort, Path dataDir, Path workDir) {
        this.main = main;
        this.properties = properties;
        this.httpPort = httpPort;
        this.dataDir = dataDir;
        this.workDir = workDir;
    }

    /** Dev profile defaults with test-sized timings; {@code overrides} win. */
    public static TestApp start(Map<String, String> overrides) {
        return start("dev", overrides);
    }

    public static TestApp start(String profile, Map<String, String> overrides) {
        return start(profile, overrides, Map.of());
    }

    /** {@code beans} are bound before start; the application keeps a bean that is already bound (e.g. "clock"). */
    public static TestApp start(String profile, Map<String, String> overrides, Map<String, Object> beans) {
        try {
            Path root = Files.createTempDirectory("esim-test");
            int httpPort = freePort();
            String[] db = TestDatabase.create();
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("esim.http.port", String.valueOf(httpPort));
            properties.put("esim.data.dir", root.resolve("data").toString());
            properties.put("esim.work.dir", root.resolve("orders").toString());
            properties.put("esim.db.url", db[0]);
            properties.put("esim.db.user", db[1]);
            properties.put("esim.db.password", db[2]);
            properties.put("esim.broker.embedded-port", String.valueOf(freePort()));
            properties.putAll(overrides);

            Main main = EsimOrdersApplication.create(profile);
            properties.forEach(main::addOverrideProperty);
            beans.forEach(main::bind);
            try {
                main.start();
            } catch (Exception e) {
                main.stop();
                throw e;
            }
            return new TestApp(main, properties, httpPort, root.resolve("data"), root.resolve("orders"));
        } catch (Exception e) {
            throw new IllegalStateException("test application did not start", e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public ProducerTemplate template() {
        return context().createProducerTemplate();
    }

    public String property(String key) {
        return context().getPropertiesComponent().resolveProperty(key).orElse(null);
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    public JdbcTemplate jdbc() {
        return new JdbcTemplate(context().getRegistry().lookupByNameAndType("dataSource", DataSource.class));
    }

    @Override
    public void close() {
        main.stop();
    }
}
