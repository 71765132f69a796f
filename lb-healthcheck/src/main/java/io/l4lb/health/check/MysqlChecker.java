package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code option mysql-check user NAME}: a real MySQL client/server handshake, as HAProxy's
 * mysql-check with {@code post-41}: read the server's initial handshake packet (an error packet,
 * e.g. "Host is blocked", fails L7STS), answer with a HandshakeResponse41 for {@code NAME} with an
 * empty password (capabilities CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION), expect an OK packet
 * (0x00), then send COM_QUIT so the server logs no aborted connection. Without a user the check
 * stops after a valid greeting (HAProxy's behaviour too). MySQL packets: 3-byte little-endian
 * length, 1-byte sequence id, payload.
 */
public final class MysqlChecker implements Checker {
    private static final byte[] COM_QUIT = {0x01, 0x00, 0x00, 0x00, 0x01};
    private final String user;

    public MysqlChecker(String user) {
        this.user = user;
    }

    byte[] authPacket() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {0x00, (byte) 0x82, 0x00, 0x00}); // capabilities 0x00008200, little-endian
        p.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x01});        // max packet size 16 MiB
        p.write(0x21);                                             // utf8_general_ci
        p.writeBytes(new byte[23]);                                // reserved
        p.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        p.write(0);
        p.write(0);                                                // auth response length 0: no password
        byte[] payload = p.toByteArray();
        byte[] packet = new byte[payload.length + 4];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >> 8);
        packet[2] = (byte) (payload.length >> 16);
        packet[3] = 1;                                             // sequence id: reply to the greeting (0)
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            private boolean greeted;

            @Override
            public Verdict start() {
                return Verdict.NEED_MORE; // the server speaks first
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                if (in.readableBytes() < 4) {
                    return Verdict.NEED_MORE;
                }
                int len = in.getMediumLE(in.readerIndex());
                if (in.readableBytes() < 4 + len) {
                    return bufferFull ? Verdict.fail(CheckStatus.L7RSP, "MySQL packet larger than the check buffer")
                            : Verdict.NEED_MORE;
                }
                if (len == 0) {
                    return Verdict.fail(CheckStatus.L7RSP, "empty MySQL packet");
                }
                int first = in.getUnsignedByte(in.readerIndex() + 4);
                if (first == 0xff) {
                    return error(in, len);
                }
                if (!greeted) {
                    if (first != 10 && first != 9) {
                        return Verdict.fail(CheckStatus.L7RSP, "not a MySQL greeting (protocol " + first + ")");
                    }
                    greeted = true;
                    if (user == null || user.isEmpty()) {
                        return Verdict.pass(CheckStatus.L7OK, -1, version(in, len), null);
                    }
                    return Verdict.send(authPacket());
                }
                if (first == 0x00) {
                    return Verdict.pass(CheckStatus.L7OK, -1, "MySQL authentication OK", COM_QUIT);
                }
                if (first == 0xfe) {
                    return Verdict.fail(CheckStatus.L7STS, "MySQL server asked for another authentication method"
                            + " (the check user must exist without a password)");
                }
                return Verdict.fail(CheckStatus.L7RSP, "unexpected MySQL reply 0x" + Integer.toHexString(first));
            }
        });
    }

    private static String version(ByteBuf in, int len) {
        int start = in.readerIndex() + 5;
        int end = start;
        int limit = in.readerIndex() + 4 + len;
        while (end < limit && in.getByte(end) != 0) {
            end++;
        }
        return in.toString(start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** ERR packet: 0xff, error code (2 bytes LE), '#' + SQLSTATE (5) when present, message. */
    private static Verdict error(ByteBuf in, int len) {
        int base = in.readerIndex() + 4;
        int code = len >= 3 ? in.getUnsignedShortLE(base + 1) : -1;
        int msg = base + 3;
        if (len >= 9 && in.getByte(msg) == '#') {
            msg += 6;
        }
        int end = base + len;
        String text = msg < end ? in.toString(msg, end - msg, StandardCharsets.UTF_8) : "";
        return Verdict.fail(CheckStatus.L7STS, code, text);
    }
}
