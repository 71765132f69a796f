package io.l4lb.admin.http;

import java.util.Map;

/**
 * One admin HTTP request, decoupled from Netty so routes are plain functions.
 *
 * @param path          the decoded path without the query string
 * @param authorization the {@code Authorization} header, null when absent
 * @param loopback      whether the peer connected from a loopback address
 */
public record AdminRequest(String method, String path, Map<String, String> query, String authorization,
                           String accept, String body, boolean loopback) {
    public AdminRequest {
        query = Map.copyOf(query);
        body = body == null ? "" : body;
    }
}
