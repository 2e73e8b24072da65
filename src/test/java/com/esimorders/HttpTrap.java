package com.esimorders;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An HTTP server that records every request it gets and answers with a fixed status: 404 where no request should
 * ever go, or 200 as a sink (the sandbox's webhooks in the large-file test).
 */
public final class HttpTrap implements AutoCloseable {

    private final HttpServer server;
    public final Queue<String> requests = new ConcurrentLinkedQueue<>();

    public HttpTrap() throws IOException {
        this(404);
    }

    public HttpTrap(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", http -> {
            requests.add(http.getRequestMethod() + " " + http.getRequestURI());
            http.getRequestBody().readAllBytes();
            http.sendResponseHeaders(status, -1);
            http.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
