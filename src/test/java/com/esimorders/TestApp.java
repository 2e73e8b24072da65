package com.esimorders;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** the sockets behind {@link #refusingPort()}, held so that they stay open while the JVM runs */
    private static final List<Socket> PORT_HOLDERS = new CopyOnWriteArrayList<>();

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

    /**
     * A port nothing listens on, never handed out before in this JVM: the system can give a port it just gave again,
     * and a test that asks for several (its application's HTTP server, its broker, an SMTP server) needs them distinct.
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (PORTS_HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /**
     * A port that refuses every connection while this JVM runs. A socket keeps it bound without listening, so no
     * server (of this JVM or another process) can take it, and no client can connect to itself through it; a port
     * that was merely free once can be taken by one, and a connection to it then hangs instead of being refused.
     */
    public static int refusingPort() throws IOException {
        Socket holder = new Socket();
        holder.bind(new InetSocketAddress(0));
        PORT_HOLDERS.add(holder);
        return holder.getLocalPort();
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
