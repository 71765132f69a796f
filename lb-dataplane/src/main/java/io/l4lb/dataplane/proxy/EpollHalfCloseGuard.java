package io.l4lb.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.Native;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Keeps an epoll channel registered through half-closure. Netty 4.2.18's epoll registration
 * deletes the fd from the epoll set when a channel's interest ops drop to none (input shut down
 * and nothing waiting to be written) but keeps believing it is registered, so the next EPOLLOUT
 * request (a write to the half-closed peer that fills the socket buffer) fails with
 * {@code epoll_ctl(MOD): ENOENT} and the write is lost. Adding EPOLLERR to the interest set (the
 * kernel reports it whether asked or not, so nothing else changes) means the ops never drop to
 * none. Found by ProxyIntegrityTest: 100 MB still flowing client->server after the server's FIN.
 * {@code setFlag} is protected and the classes are final, hence one method handle.
 */
final class EpollHalfCloseGuard {
    private static final System.Logger LOG = System.getLogger(EpollHalfCloseGuard.class.getName());
    private static final MethodHandle SET_FLAG = find();

    private EpollHalfCloseGuard() {
    }

    private static MethodHandle find() {
        try {
            Class<?> base = Class.forName("io.netty.channel.epoll.AbstractEpollChannel");
            return MethodHandles.privateLookupIn(base, MethodHandles.lookup())
                    .findVirtual(base, "setFlag", MethodType.methodType(void.class, int.class))
                    .asType(MethodType.methodType(void.class, EpollSocketChannel.class, int.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "cannot guard epoll half-closure (large transfers after a FIN "
                    + "may fail; use l4lb-transport nio): " + e);
            return null;
        }
    }

    /** Call on the channel's event loop once it is registered (channelActive). */
    static void pin(Channel ch) {
        if (SET_FLAG != null && ch instanceof EpollSocketChannel e) {
            try {
                SET_FLAG.invokeExact(e, Native.EPOLLERR);
            } catch (Throwable t) {
                ch.pipeline().fireExceptionCaught(t);
            }
        }
    }
}
