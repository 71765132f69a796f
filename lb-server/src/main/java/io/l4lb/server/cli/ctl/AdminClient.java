package io.l4lb.server.cli.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JSON client of the admin API for {@code l4lb ctl} (JDK HttpClient, bearer token). */
public final class AdminClient implements AutoCloseable {
    /** An API answer: status and parsed JSON (an object with {@code error} on failure). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public String error() {
            JsonNode e = body.get("error");
            return e == null ? body.toString() : e.asText();
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public AdminClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public Answer call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n;
        try {
            n = r.body().isEmpty() ? mapper.createObjectNode() : mapper.readTree(r.body());
        } catch (IOException e) {
            n = mapper.createObjectNode().put("error", "not JSON: " + r.body());
        }
        return new Answer(r.statusCode(), n);
    }

    @Override
    public void close() {
        http.close();
    }
}
