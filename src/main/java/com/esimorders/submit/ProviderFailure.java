package com.esimorders.submit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * What a failed call to the provider means for the order: whether it can succeed later, and whether the
 * provider may have taken the order although we saw no answer ({@code uncertain}).
 */
public record ProviderFailure(Kind kind, List<String> texts, boolean uncertain, Duration retryAfter) {

    public enum Kind {
        /** IO error, timeout, 5xx, 429: try again later */
        RETRYABLE,
        /** 401 "Request timestamp is too old or invalid.": re-sign and try once more */
        CLOCK_SKEW,
        /** any other 401: our credentials are wrong */
        UNAUTHORIZED,
        /** 400 or 422 validation: the order itself is wrong */
        REJECTED,
        /** 422 "External order id has already been taken" */
        ALREADY_TAKEN,
        /** 422 "eSIM Request failed ..." or "API connection error ...": the provider's upstream failed */
        UPSTREAM_FAILED
    }

    static final String TIMESTAMP_REFUSED = "Request timestamp is too old or invalid.";

    public static ProviderFailure of(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            return ofHttp(http.getStatusCode(), http.getResponseBody(), http.getResponseHeaders());
        }
        if (failure instanceof IOException io) {
            // no connection means the request never left: the provider cannot have taken the order
            boolean neverSent = io instanceof ConnectException || io instanceof UnknownHostException
                    || io instanceof ConnectTimeoutException;
            return new ProviderFailure(Kind.RETRYABLE, List.of(describe(io)), !neverSent, null);
        }
        throw new IllegalArgumentException("not a provider failure: " + failure, failure);
    }

    static ProviderFailure ofHttp(int status, String body, Map<String, String> headers) {
        List<String> texts = ProviderResponse.errorTexts(body);
        List<String> withStatus = texts.isEmpty() ? List.of("HTTP " + status) : texts;
        if (status == 429) {
            return new ProviderFailure(Kind.RETRYABLE, withStatus, false, retryAfter(headers));
        }
        if (status >= 500) {
            // the provider may have recorded the order before failing
            return new ProviderFailure(Kind.RETRYABLE, prefixed(status, withStatus), true, null);
        }
        if (status == 401) {
            return new ProviderFailure(texts.contains(TIMESTAMP_REFUSED) ? Kind.CLOCK_SKEW : Kind.UNAUTHORIZED,
                    withStatus, false, null);
        }
        if (status == 422 && texts.stream().anyMatch(t -> t.contains("has already been taken"))) {
            return new ProviderFailure(Kind.ALREADY_TAKEN, texts, false, null);
        }
        if (status == 422 && texts.stream().anyMatch(t -> t.startsWith("eSIM Request failed")
                || t.startsWith("API connection error"))) {
            return new ProviderFailure(Kind.UPSTREAM_FAILED, texts, false, null);
        }
        return new ProviderFailure(Kind.REJECTED, withStatus, false, null);
    }

    public String summary() {
        return String.join("; ", texts);
    }

    private static List<String> prefixed(int status, List<String> texts) {
        return texts.stream().map(t -> "HTTP " + status + ": " + t).toList();
    }

    private static Duration retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if ("Retry-After".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                try {
                    return Duration.ofSeconds(Long.parseLong(header.getValue().trim()));
                } catch (NumberFormatException httpDate) {
                    return null; // an HTTP date: fall back to our own backoff
                }
            }
        }
        return null;
    }

    private static String describe(IOException io) {
        String message = io.getMessage();
        return io.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
