package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code option pgsql-check user NAME}: sends a PostgreSQL v3 StartupMessage for NAME and, as
 * HAProxy, passes on an Authentication message ('R': AuthenticationOk or a request for a password,
 * which proves the server accepts logins) and fails on an ErrorResponse ('E', e.g. "the database
 * system is starting up") with the server's message. Ends with Terminate ('X').
 */
public final class PgsqlChecker implements Checker {
    private static final byte[] TERMINATE = {'X', 0, 0, 0, 4};
    private final String user;

    public PgsqlChecker(String user) {
        this.user = user == null ? "" : user;
    }

    byte[] startupMessage() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 3, 0, 0}); // protocol 3.0
        body.writeBytes("user".getBytes(StandardCharsets.US_ASCII));
        body.write(0);
        body.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        body.write(0);
        int len = body.size() + 4;
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {(byte) (len >> 24), (byte) (len >> 16), (byte) (len >> 8), (byte) len});
        m.writeBytes(body.toByteArray());
        return m.toByteArray();
    }

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.send(startupMessage());
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                if (in.readableBytes() < 5) {
                    return Verdict.NEED_MORE;
                }
                int r = in.readerIndex();
                byte type = in.getByte(r);
                long len = in.getUnsignedInt(r + 1);
                if (type == 'R') {
                    if (in.readableBytes() < 9) {
                        return Verdict.NEED_MORE;
                    }
                    int auth = in.getInt(r + 5);
                    String info = auth == 0 ? "AuthenticationOk" : "authentication request type " + auth;
                    return Verdict.pass(CheckStatus.L7OK, -1, info, TERMINATE);
                }
                if (type == 'E') {
                    if (in.readableBytes() < 1 + len && !bufferFull) {
                        return Verdict.NEED_MORE;
                    }
                    return Verdict.fail(CheckStatus.L7STS, errorMessage(in, r + 5, (int) Math.min(in.readableBytes(), 1 + len)));
                }
                return Verdict.fail(CheckStatus.L7RSP, "not a PostgreSQL reply (type 0x"
                        + Integer.toHexString(type & 0xff) + ")");
            }
        });
    }

    /** ErrorResponse fields: (code byte, cstring)*, 0. Returns "SQLSTATE: message". */
    private static String errorMessage(ByteBuf in, int from, int limit) {
        String code = "";
        String msg = "";
        int i = from;
        int end = in.readerIndex() + limit;
        while (i < end && in.getByte(i) != 0) {
            byte field = in.getByte(i++);
            int z = i;
            while (z < end && in.getByte(z) != 0) {
                z++;
            }
            String v = in.toString(i, z - i, StandardCharsets.UTF_8);
            if (field == 'C') {
                code = v;
            } else if (field == 'M') {
                msg = v;
            }
            i = z + 1;
        }
        return code.isEmpty() ? msg : code + ": " + msg;
    }
}
