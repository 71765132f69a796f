package io.l4lb.health.check;

import io.l4lb.health.CheckStatus;
import io.netty.buffer.ByteBuf;

/**
 * The protocol half of one check connection, driven by {@link DialogueRunner} on the channel's
 * event loop (single-threaded, never blocking). {@code received} holds what arrived since the
 * last {@link Verdict.Send}, at most {@link DialogueRunner#MAX_RESPONSE} bytes; a dialogue may
 * consume bytes by moving its reader index.
 */
public interface Dialogue {
    /** Connected (and TLS established when asked): usually the first request. */
    Verdict start();

    /** New bytes arrived; {@code bufferFull} means the 64 KiB cap was reached and no more will come. */
    Verdict onData(ByteBuf received, boolean bufferFull);

    /** The peer closed; last chance to decide from what was received. */
    default Verdict onClose(ByteBuf received) {
        return Verdict.fail(CheckStatus.L7RSP, "connection closed by server before a complete reply");
    }

    /** Status reported when the check timer fires after the connection was established. */
    default CheckStatus timeoutStatus() {
        return CheckStatus.L7TOUT;
    }
}
