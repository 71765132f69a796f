package io.l4lb.health.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.HealthCheckConfig.Expect;
import io.l4lb.core.config.HealthCheckConfig.ExpectKind;
import io.l4lb.core.config.HealthCheckConfig.HttpCheck;
import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.l4lb.health.testing.Loop;
import io.l4lb.health.testing.ScriptedServer;
import io.l4lb.health.testing.TestOpts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code check-ssl} (and {@code ssl-hello-chk}) against a local Netty TLS server whose self-signed
 * certificate the test generates with the JDK's keytool.
 */
class TlsCheckTest {
    private static final Loop LOOP = new Loop();
    private static Path dir;
    private static Channel server;
    private static InetSocketAddress address;

    private static void keytool(String... args) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
    }

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("l4lb-tls");
        Path ks = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "srv", "-rfc", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", dir.resolve("ca.pem").toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SslContext serverCtx = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        server = new ServerBootstrap().group(LOOP.group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverCtx.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ((ByteBuf) msg).release();
                                ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nsecure ok",
                                        StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                            }
                        });
                    }
                }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        address = (InetSocketAddress) server.localAddress();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().sync();
        LOOP.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static SslContext client(boolean verify, String caFile) {
        TestOpts o = new TestOpts();
        o.checkSsl = true;
        o.verifyRequired = verify;
        o.caFile = caFile;
        return CheckSsl.clientContext(o.build());
    }

    @Test
    void httpchkTravelsInsideTls() throws Exception {
        HttpChecker c = new HttpChecker(new HttpCheck("GET", "/", "HTTP/1.0", List.of(), new Expect(ExpectKind.STRING, false, "secure ok")));
        CheckResult r = LOOP.run(c, LOOP.tlsTarget(address, Duration.ofSeconds(3), client(false, null)));
        assertEquals(CheckStatus.L7OK, r.status(), r.toString());
    }

    @Test
    void connectCheckOverTlsPassesAtLayer6() throws Exception {
        CheckResult r = LOOP.run(new TcpConnectChecker(), LOOP.tlsTarget(address, Duration.ofSeconds(3), client(false, null)));
        assertEquals(CheckStatus.L6OK, r.status(), r.toString());
    }

    @Test
    void verifyRequiredWithTheCaFilePassesAndWithoutItFailsAtLayer6() throws Exception {
        CheckResult ok = LOOP.run(new TcpConnectChecker(),
                LOOP.tlsTarget(address, Duration.ofSeconds(3), client(true, dir.resolve("ca.pem").toString())));
        assertEquals(CheckStatus.L6OK, ok.status(), ok.toString());
        CheckResult bad = LOOP.run(new TcpConnectChecker(), LOOP.tlsTarget(address, Duration.ofSeconds(3), client(true, null)));
        assertEquals(CheckStatus.L6RSP, bad.status(), bad.toString());
        assertTrue(bad.info().toLowerCase().contains("certification path") || bad.info().toLowerCase().contains("cert"), bad.info());
    }

    @Test
    void tlsCheckAgainstAPlainServerFailsAtLayer6() throws Exception {
        try (ScriptedServer plain = new ScriptedServer(s -> {
            s.getInputStream().read();
            s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CheckResult r = LOOP.run(new TcpConnectChecker(), LOOP.tlsTarget(plain.address(), Duration.ofSeconds(3), client(false, null)));
            assertEquals(CheckStatus.L6RSP, r.status(), r.toString());
            CheckResult hello = LOOP.run(new SslHelloChecker(), LOOP.target(plain.address(), Duration.ofSeconds(3)));
            assertEquals(CheckStatus.L6RSP, hello.status(), hello.toString());
        }
    }

    @Test
    void tcpCheckConnectSslRuleRunsTheSequenceInsideTls() throws Exception {
        io.l4lb.core.config.HealthCheckConfig.TcpCheckStep connectSsl = new io.l4lb.core.config.HealthCheckConfig.TcpCheckStep(
                io.l4lb.core.config.HealthCheckConfig.StepKind.CONNECT, 0, false, true, null, null, io.l4lb.core.config.SourcePos.NONE);
        TcpCheckSequenceChecker c = new TcpCheckSequenceChecker(List.of(connectSsl,
                TcpCheckSequenceCheckerTest.send("GET / HTTP/1.0\r\n\r\n"),
                TcpCheckSequenceCheckerTest.expect(ExpectKind.STRING, false, "secure ok")));
        CheckTarget plainTarget = LOOP.tlsTarget(address, Duration.ofSeconds(3), client(false, null)).withSsl(false);
        CheckResult r = LOOP.run(c, plainTarget);
        assertEquals(CheckStatus.L7OK, r.status(), r.toString());
        CheckResult noTls = LOOP.run(new TcpCheckSequenceChecker(List.of(TcpCheckSequenceCheckerTest.send("GET / HTTP/1.0\r\n\r\n"),
                TcpCheckSequenceCheckerTest.expect(ExpectKind.STRING, false, "secure ok"))), plainTarget);
        assertTrue(!noTls.passed(), "without the ssl rule the TLS server cannot answer: " + noTls);
    }

    @Test
    void sslHelloCheckRecognisesATlsServer() throws Exception {
        CheckResult r = LOOP.run(new SslHelloChecker(), LOOP.target(address, Duration.ofSeconds(3)));
        assertEquals(CheckStatus.L6OK, r.status(), r.toString());
    }
}
