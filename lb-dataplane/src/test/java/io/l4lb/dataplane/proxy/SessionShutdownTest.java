package io.l4lb.dataplane.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.BackendConfig;
import io.l4lb.core.config.ServerConfig;
import io.l4lb.core.state.AdminState;
import io.l4lb.core.state.BackendRuntime;
import io.l4lb.core.state.ServerRuntime;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The proxy's {@link io.l4lb.core.state.SessionTerminator} (what on-marked-down shutdown-sessions
 * and on-marked-up shutdown-backup-sessions call): it closes exactly the live sessions of the
 * named server (or of the backups), on their own event loops, and frees their slots.
 */
@ExtendWith(NettyLeakExtension.class)
class SessionShutdownTest {
    private final List<AutoCloseable> closers = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closers.size() - 1; i >= 0; i--) {
            closers.get(i).close();
        }
    }

    private static ServerConfig server(Origins.Origin o, boolean backup) {
        return ServerConfig.of(o.name, "127.0.0.1", o.port())
                .withOptions(ServerConfig.ServerOptions.DEFAULTS.withBackup(backup));
    }

    private Socket relaying(ProxyFixture p) throws IOException {
        Socket c = new Socket(p.address.getAddress(), p.address.getPort());
        closers.add(c);
        c.setSoTimeout(5000);
        c.getOutputStream().write('x');
        assertEquals('x', c.getInputStream().read(), "echoed through the proxy");
        return c;
    }

    private static boolean echoes(Socket c) {
        try {
            c.getOutputStream().write('y');
            return c.getInputStream().read() == 'y';
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean closedByPeer(Socket c) throws IOException {
        try {
            return c.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void shutdownSessionsClosesOnlyTheNamedServersSessionsOnEveryLoop() throws Exception {
        Origins.Origin a = Origins.echo("a");
        Origins.Origin b = Origins.echo("b");
        closers.add(a);
        closers.add(b);
        ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"),
                List.of(BackendConfig.of("be", "rr", List.of(server(a, false), server(b, false)))));
        closers.add(p);
        List<Socket> onA = new ArrayList<>();
        List<Socket> onB = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // rr from a random start: 4 each, spread over the 2 loops
            int before = a.accepted.get();
            Socket c = relaying(p); // the echo came back: the origin counted its accept already
            (a.accepted.get() > before ? onA : onB).add(c);
        }
        assertEquals(4, onA.size());
        BackendRuntime be = p.backends.get("be");
        ServerRuntime sa = be.server("a");
        assertEquals(4, sa.load().active());
        be.sessionTerminator().shutdownSessions(be, sa);
        for (Socket c : onA) {
            assertTrue(closedByPeer(c), "a's client closed");
        }
        Await.until(() -> a.open.get() == 0, 5000, "a's server-side connections closed");
        for (Socket c : onB) {
            assertTrue(echoes(c), "b's client still relaying");
        }
        assertEquals(0, sa.load().active(), "a's slots freed");
        assertEquals(4, be.server("b").load().active());
        assertEquals(4, b.open.get());
        // Nothing left to close: a second call is harmless; a new session to a works.
        be.sessionTerminator().shutdownSessions(be, sa);
        assertTrue(echoes(relaying(p)));
    }

    @Test
    void shutdownBackupSessionsClosesTheBackupsSessionsOnly() throws Exception {
        Origins.Origin active = Origins.echo("act");
        Origins.Origin backup = Origins.echo("bk");
        closers.add(active);
        closers.add(backup);
        ProxyFixture p = new ProxyFixture(ProxyFixture.frontend("be"),
                List.of(BackendConfig.of("be", "rr", List.of(server(active, false), server(backup, true)))));
        closers.add(p);
        BackendRuntime be = p.backends.get("be");
        ServerRuntime act = be.server("act");
        be.setAdminState(act, AdminState.MAINT);
        Socket onBackup1 = relaying(p);
        Socket onBackup2 = relaying(p);
        assertEquals(2, backup.open.get());
        be.setAdminState(act, AdminState.READY);
        Socket onActive = relaying(p);
        assertEquals(1, active.open.get());
        be.sessionTerminator().shutdownBackupSessions(be);
        assertTrue(closedByPeer(onBackup1));
        assertTrue(closedByPeer(onBackup2));
        Await.until(() -> backup.open.get() == 0, 5000, "backup connections closed");
        assertTrue(echoes(onActive), "the active server's session is kept");
        assertEquals(0, be.server("bk").load().active());
    }
}
