package io.l4lb.health.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server (port 0) whose every accepted connection runs a script on a virtual
 * thread: the fake SMTP/LDAP/PostgreSQL/agent peers and the hostile targets. Test-side blocking
 * I/O is fine here; the code under test stays asynchronous.
 */
public final class ScriptedServer implements AutoCloseable {
    /** What to do with one accepted connection; exceptions end the connection. */
    @FunctionalInterface
    public interface Script {
        void run(Socket s) throws Exception;
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
    private final AtomicInteger accepted = new AtomicInteger();

    public ScriptedServer(Script script) throws IOException {
        this(0, script);
    }

    public ScriptedServer(int port, Script script) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        acceptor = Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            script.run(s);
                        } catch (Exception ignored) {
                            // the check closed the connection: expected for hostile scripts
                        } finally {
                            open.remove(s);
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return listener.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
