package io.l4lb.dataplane.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Real servers for the proxy tests: plain blocking JDK sockets on 127.0.0.1:0 (independent of the
 * code under test), one virtual thread per connection. Every origin is closed by the test.
 */
final class Origins {
    private Origins() {
    }

    /** A listening origin running {@code onConnection} for each accepted socket. */
    static final class Origin implements AutoCloseable {
        final String name;
        final ServerSocket server;
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        Origin(String name, Consumer<Socket> onConnection) throws IOException {
            this.name = name;
            this.server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
            this.acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        open.incrementAndGet();
                        sockets.add(s);
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                onConnection.accept(s);
                            } catch (IOException e) {
                                // peer gone: fine for an origin
                            } finally {
                                open.decrementAndGet();
                                sockets.remove(s);
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
        }

        /** Closes the listener and every open connection (a server dying). */
        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            acceptor.interrupt();
        }
    }

    /** Writes its name, shuts its output, then waits for the client's FIN. */
    static Origin label(String name) throws IOException {
        return new Origin(name, s -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(name.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput();
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Echoes every byte back and forwards the FIN. */
    static Origin echo(String name) throws IOException {
        return new Origin(name, s -> {
            try {
                InputStream in = s.getInputStream();
                in.transferTo(s.getOutputStream());
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** A port where nothing listens (bound then closed). */
    static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Connects, reads until EOF, returns what was read. */
    static String readAll(InetSocketAddress proxy) throws IOException {
        try (Socket c = new Socket()) {
            c.connect(proxy, 5000);
            c.setSoTimeout(10_000);
            c.shutdownOutput();
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
