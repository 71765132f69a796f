package io.l4lb.dataplane.proxy.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads the server_name of a TLS ClientHello without decrypting anything (RFC 8446 section 4.1.2,
 * RFC 6066 section 3) from the bytes buffered so far. Pure and allocation-free except for the
 * returned name; never reads past {@code writerIndex} and never moves the buffer's indices, so the
 * buffered bytes are forwarded unchanged afterwards.
 *
 * <p>Only a ClientHello carried in the first TLS record is parsed: the record may hold at most
 * {@link #MAX_RECORD} bytes of payload (RFC 8446 section 5.1), which also bounds what the proxy
 * buffers. A hello split over several records is treated as NOT_HELLO (the connection then takes
 * the default route, as HAProxy does when {@code req.ssl_sni} cannot be fetched).
 */
public final class ClientHelloParser {
    /** TLSPlaintext.length limit: 2^14. */
    public static final int MAX_RECORD = 16384;
    /** The most bytes inspection ever needs to hold: one record header plus one full record. */
    public static final int MAX_BUFFER = 5 + MAX_RECORD;

    private static final int CONTENT_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;

    private ClientHelloParser() {
    }

    public static ClientHello parse(ByteBuf buf) {
        int base = buf.readerIndex();
        int avail = buf.readableBytes();
        if (avail < 1) {
            return ClientHello.NEED_MORE;
        }
        if (buf.getUnsignedByte(base) != CONTENT_HANDSHAKE) {
            return ClientHello.NOT_HELLO;
        }
        if (avail < 5) {
            return ClientHello.NEED_MORE;
        }
        if (buf.getUnsignedByte(base + 1) != 3) {
            return ClientHello.NOT_HELLO; // legacy_record_version is 3.x
        }
        int recLen = buf.getUnsignedShort(base + 3);
        if (recLen == 0 || recLen > MAX_RECORD) {
            return ClientHello.NOT_HELLO;
        }
        if (avail >= 6) {
            int type = buf.getUnsignedByte(base + 5);
            if (type != HANDSHAKE_CLIENT_HELLO) {
                return new ClientHello(ClientHello.Status.NOT_HELLO, null, type);
            }
        }
        if (avail < 5 + recLen) {
            return ClientHello.NEED_MORE;
        }
        try {
            return parseHello(buf, base + 5, base + 5 + recLen);
        } catch (Malformed e) {
            return new ClientHello(ClientHello.Status.NOT_HELLO, null, HANDSHAKE_CLIENT_HELLO);
        }
    }

    private static ClientHello parseHello(ByteBuf b, int p, int end) throws Malformed {
        need(p, 4, end);
        int hsLen = b.getUnsignedMedium(p + 1);
        p += 4;
        if (p + hsLen > end) {
            throw new Malformed(); // spans records, or lies about its length
        }
        end = p + hsLen;
        need(p, 2 + 32, end); // legacy_version, random
        p += 34;
        need(p, 1, end);
        p += 1 + b.getUnsignedByte(p); // legacy_session_id
        need(p, 2, end);
        p += 2 + b.getUnsignedShort(p); // cipher_suites
        need(p, 1, end);
        p += 1 + b.getUnsignedByte(p); // legacy_compression_methods
        if (p == end) {
            return new ClientHello(ClientHello.Status.FOUND, null, HANDSHAKE_CLIENT_HELLO); // no extensions
        }
        need(p, 2, end);
        int extEnd = p + 2 + b.getUnsignedShort(p);
        p += 2;
        if (extEnd > end) {
            throw new Malformed();
        }
        while (p < extEnd) {
            need(p, 4, extEnd);
            int type = b.getUnsignedShort(p);
            int len = b.getUnsignedShort(p + 2);
            p += 4;
            need(p, len, extEnd);
            if (type == EXT_SERVER_NAME) {
                return new ClientHello(ClientHello.Status.FOUND, serverName(b, p, p + len), HANDSHAKE_CLIENT_HELLO);
            }
            p += len;
        }
        return new ClientHello(ClientHello.Status.FOUND, null, HANDSHAKE_CLIENT_HELLO);
    }

    /** ServerNameList: the first host_name(0) entry. */
    private static String serverName(ByteBuf b, int p, int end) throws Malformed {
        need(p, 2, end);
        int listEnd = p + 2 + b.getUnsignedShort(p);
        p += 2;
        if (listEnd > end) {
            throw new Malformed();
        }
        while (p < listEnd) {
            need(p, 3, listEnd);
            int nameType = b.getUnsignedByte(p);
            int len = b.getUnsignedShort(p + 1);
            p += 3;
            need(p, len, listEnd);
            if (nameType == 0) {
                if (len == 0) {
                    throw new Malformed();
                }
                return b.toString(p, len, StandardCharsets.US_ASCII);
            }
            p += len;
        }
        return null;
    }

    private static void need(int p, int n, int end) throws Malformed {
        if (n < 0 || p + n > end) {
            throw new Malformed();
        }
    }

    /** Control flow for malformed input; no stack trace (never escapes this class). */
    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
