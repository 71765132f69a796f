package io.l4lb.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Keeps an epoll channel registered through half-closure. Netty 4.2.18's epoll registration
 * deletes the fd from the epoll set when a channel's interest ops drop to none (input shut down
 * and nothing waiting to be written) but keeps believing it is registered, so the next EPOLLOUT
 * request (a write to the half-closed peer that fills the socket buffer) fails with
 * {@code epoll_ctl(MOD): ENOENT} and the write is lost. Adding EPOLLERR to the interest set (the
 * kernel reports it whether asked or not, so nothing else changes) means the ops never drop to
 * none. Found by ProxyIntegrityTest: 100 MB still flowing client->server after the server's FIN.
 *
 * <p>The flag is written into the channel's interest set without an {@code epoll_ctl} of its
 * own: before registration it goes into the EPOLL_CTL_ADD, afterwards into the next
 * EPOLL_CTL_MOD Netty makes anyway (the first read request). Calling Netty's {@code setFlag} on a
 * registered channel cost one extra system call per socket, two per proxied connection. The
 * field is private and the classes are final, hence one VarHandle.
 */
final class EpollHalfCloseGuard {
    private static final System.Logger LOG = System.getLogger(EpollHalfCloseGuard.class.getName());
    private static final VarHandle OPS = find();

    private EpollHalfCloseGuard() {
    }

    private static VarHandle find() {
        try {
            Class<?> base = Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
            return MethodHandles.privateLookupIn(base, MethodHandles.lookup())
                    .findVarHandle(base, "ops", EpollIoOps.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "cannot guard epoll half-closure (large transfers after a FIN "
                    + "may fail; use l4lb-transport nio): " + e);
            return null;
        }
    }

    /**
     * Call before the channel is registered, or on its event loop before its first read request
     * (the pending flag rides on the next interest-set update).
     */
    static void pin(Channel ch) {
        if (OPS != null && ch instanceof EpollSocketChannel e) {
            EpollIoOps ops = (EpollIoOps) OPS.get(e);
            if (!ops.contains(EpollIoOps.EPOLLERR)) {
                OPS.set(e, ops.with(EpollIoOps.EPOLLERR));
            }
        }
    }
}
