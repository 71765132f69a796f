package io.l4lb.admin.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete admin HTTP response (bodies are small: JSON, a scrape, a stats page). */
public record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public AdminResponse {
        headers = Map.copyOf(headers);
    }

    public static AdminResponse of(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public AdminResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, h);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
