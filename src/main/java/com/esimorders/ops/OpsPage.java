package com.esimorders.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * Serves the operator page (packaged under {@code ops/} in the jar): index.html and its assets, nothing else. The
 * page holds no data and no secret; it asks for the token and calls the API with it.
 */
public class OpsPage {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "ops.css", "text/css; charset=utf-8",
            "ops.js", "text/javascript; charset=utf-8");

    /** GET /ops/ and GET /ops/assets/{name}. */
    public void serve(@Header("name") String name, Exchange exchange) throws IOException {
        String file = name == null ? "index.html" : name;
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        String type = FILES.get(file);
        InputStream content = type == null ? null : OpsPage.class.getResourceAsStream("/ops/" + file);
        if (content == null) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            message.setBody("");
            return;
        }
        try (content) {
            message.setBody(content.readAllBytes());
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, type);
        message.setHeader("Cache-Control", "no-store");
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setHeader("X-Frame-Options", "DENY");
        message.setHeader("Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                        + " form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
    }
}
