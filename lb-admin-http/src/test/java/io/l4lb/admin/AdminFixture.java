package io.l4lb.admin;

import io.l4lb.admin.http.AdminHttpServer;
import io.l4lb.admin.http.AdminRequest;
import io.l4lb.admin.metrics.PrometheusMetrics;
import io.micrometer.core.instrument.Clock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;

/** A real admin listener on 127.0.0.1:0 over a {@link TestRuntime}, plus an HTTP client. */
final class AdminFixture implements AutoCloseable {
    static final String TOKEN = "s3cret-token";
    final TestRuntime rt = new TestRuntime();
    final PrometheusMetrics metrics = new PrometheusMetrics(Clock.SYSTEM);
    /** Every request path served, in order: tests wait on real requests (e.g. Prometheus scrapes). */
    final LinkedBlockingQueue<String> served = new LinkedBlockingQueue<>();
    final AdminHttpServer server;
    final InetSocketAddress address;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminFixture() throws InterruptedException {
        AdminRoutes routes = new AdminRoutes(rt, metrics, TOKEN, Duration.ofSeconds(5));
        server = new AdminHttpServer((AdminRequest r) -> {
            try {
                return routes.apply(r);
            } finally {
                served.add(r.path());
            }
        });
        address = server.bind(new InetSocketAddress("127.0.0.1", 0));
    }

    String base() {
        return "http://127.0.0.1:" + address.getPort();
    }

    HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
