package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;

/**
 * {@code option ldap-check}: an anonymous LDAPv3 simple bind (RFC 4511 4.2, messageID 1, empty DN
 * and password), the reply must be a BindResponse with resultCode 0 (success); another code is
 * L7STS with that code. Then an UnbindRequest. BER lengths in short or long form are accepted.
 */
public final class LdapChecker implements Checker {
    /** SEQUENCE { INTEGER 1, [APPLICATION 0] { INTEGER 3, OCTET STRING "", [0] "" } }. */
    static final byte[] BIND = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02, 0x01, 0x03, 0x04, 0x00,
        (byte) 0x80, 0x00};
    /** SEQUENCE { INTEGER 2, [APPLICATION 2] NULL }. */
    private static final byte[] UNBIND = {0x30, 0x05, 0x02, 0x01, 0x02, 0x42, 0x00};

    @Override
    public Future<CheckResult> check(CheckTarget target) {
        return DialogueRunner.run(target, new Dialogue() {
            @Override
            public Verdict start() {
                return Verdict.send(BIND);
            }

            @Override
            public Verdict onData(ByteBuf in, boolean bufferFull) {
                int[] pos = {in.readerIndex()};
                int end = in.writerIndex();
                if (end - pos[0] < 2) {
                    return Verdict.NEED_MORE;
                }
                if (in.getUnsignedByte(pos[0]++) != 0x30) {
                    return Verdict.fail(CheckStatus.L7RSP, "not an LDAP message");
                }
                long len = berLength(in, pos, end);
                if (len == -2) {
                    return Verdict.fail(CheckStatus.L7RSP, "bad BER length");
                }
                if (len < 0 || end - pos[0] < len) {
                    return bufferFull ? Verdict.fail(CheckStatus.L7RSP, "LDAP reply larger than the check buffer")
                            : Verdict.NEED_MORE;
                }
                // messageID INTEGER
                if (in.getUnsignedByte(pos[0]++) != 0x02) {
                    return Verdict.fail(CheckStatus.L7RSP, "LDAP reply without messageID");
                }
                int idLen = in.getUnsignedByte(pos[0]++);
                pos[0] += idLen;
                if (pos[0] >= end || in.getUnsignedByte(pos[0]++) != 0x61) {
                    return Verdict.fail(CheckStatus.L7RSP, "not an LDAP BindResponse");
                }
                if (berLength(in, pos, end) < 0 || pos[0] + 3 > end
                        || in.getUnsignedByte(pos[0]) != 0x0a || in.getUnsignedByte(pos[0] + 1) != 0x01) {
                    return Verdict.fail(CheckStatus.L7RSP, "LDAP BindResponse without resultCode");
                }
                int result = in.getUnsignedByte(pos[0] + 2);
                return result == 0
                        ? Verdict.pass(CheckStatus.L7OK, 0, "LDAP bind success", UNBIND)
                        : Verdict.fail(CheckStatus.L7STS, result, "LDAP bind resultCode " + result);
            }
        });
    }

    /** Reads a BER length at pos[0]; -1 when more bytes are needed, -2 when malformed. */
    private static long berLength(ByteBuf in, int[] pos, int end) {
        if (pos[0] >= end) {
            return -1;
        }
        int b = in.getUnsignedByte(pos[0]++);
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7f;
        if (n == 0 || n > 4) {
            return -2;
        }
        if (end - pos[0] < n) {
            return -1;
        }
        long len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | in.getUnsignedByte(pos[0]++);
        }
        return len;
    }
}
