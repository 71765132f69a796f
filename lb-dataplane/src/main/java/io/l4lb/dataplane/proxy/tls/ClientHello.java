package io.l4lb.dataplane.proxy.tls;

/**
 * Outcome of looking at the first bytes of a connection for a TLS ClientHello.
 * {@code status} NEED_MORE: not enough bytes yet; FOUND: a complete ClientHello ({@code sni} may be
 * null when it carries no server_name); NOT_HELLO: the bytes are not a TLS handshake record, or
 * are malformed, or the hello does not fit in one record (oversized) -- inspection stops there.
 * {@code helloType} is HAProxy's {@code req.ssl_hello_type}: the handshake message type of the
 * first record (1 = ClientHello), or -1 when unknown.
 */
public record ClientHello(Status status, String sni, int helloType) {
    public enum Status { NEED_MORE, FOUND, NOT_HELLO }

    public static final ClientHello NEED_MORE = new ClientHello(Status.NEED_MORE, null, -1);
    public static final ClientHello NOT_HELLO = new ClientHello(Status.NOT_HELLO, null, -1);
}
