package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real PROXY protocol consumer: Debian's nginx with {@code listen ... proxy_protocol} answers
 * with {@code $proxy_protocol_addr:$proxy_protocol_port}, so the header l4lb sends (v1 and v2) is
 * proven to be parsed by another implementation, and to carry the client's real address.
 */
@ExtendWith(NettyLeakExtension.class)
class ProxyProtocolNginxTest {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private Path prefix;
    private Process nginx;
    private int port;

    @BeforeEach
    void startNginx() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (apt-get install nginx-light)");
        prefix = Files.createTempDirectory("l4lb-nginx-pp");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(prefix.resolve("logs"));
        String conf = """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log;
                events { worker_connections 64; }
                http {
                    access_log %1$s/logs/access.log;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d proxy_protocol;
                        location / { return 200 "pp=$proxy_protocol_addr:$proxy_protocol_port\\n"; }
                    }
                }
                """.formatted(prefix, port);
        Files.writeString(prefix.resolve("nginx.conf"), conf);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException notYet) {
                assertTrue(nginx.isAlive(), "nginx exited: " + Files.readString(prefix.resolve("logs/stdout")));
                assertTrue(System.nanoTime() < deadline, "nginx did not start listening");
                Thread.onSpinWait();
            }
        }
    }

    @AfterEach
    void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(5, TimeUnit.SECONDS);
            nginx.destroyForcibly();
        }
        if (prefix != null) {
            try (Stream<Path> w = Files.walk(prefix)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerConfig.ProxyProtocol.class, names = {"V1", "V2"})
    void nginxReadsTheClientAddressFromTheHeader(ServerConfig.ProxyProtocol version) throws Exception {
        var opts = ServerConfig.ServerOptions.DEFAULTS.withSendProxy(version);
        BackendConfig be = BackendConfig.of("be", "rr",
                List.of(ServerConfig.of("nginx", "127.0.0.1", port).withOptions(opts)));
        try (ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"), List.of(be)); Socket c = new Socket()) {
            c.bind(new InetSocketAddress("127.0.0.1", 0));
            c.connect(p.address, 5000);
            c.setSoTimeout(10_000);
            c.getOutputStream().write("GET / HTTP/1.0\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
            assertEquals("pp=127.0.0.1:" + c.getLocalPort(), reply.substring(reply.indexOf("\r\n\r\n") + 4).trim());
        }
    }
}
