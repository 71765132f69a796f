package io.l4lb.health.check;

import io.l4lb.health.CheckResult;
import io.l4lb.health.CheckStatus;

/** What a {@link Dialogue} wants next: more bytes, to send bytes, or to end with a result. */
public sealed interface Verdict {
    /** Wait for more data (the runner fails the check when the 64 KiB buffer is full). */
    record NeedMore() implements Verdict {}

    /** Discard what was received so far and write {@code data}; then wait for the reply. */
    record Send(byte[] data) implements Verdict {}

    /** The check is decided; {@code farewell} (may be null) is written before closing (QUIT, COM_QUIT...). */
    record Done(CheckResult result, byte[] farewell) implements Verdict {}

    NeedMore NEED_MORE = new NeedMore();

    static Verdict send(byte[] data) {
        return new Send(data);
    }

    static Verdict pass(CheckStatus status, String info) {
        return new Done(CheckResult.of(status, info), null);
    }

    static Verdict pass(CheckStatus status, int code, String info, byte[] farewell) {
        return new Done(CheckResult.of(status, code, info), farewell);
    }

    static Verdict fail(CheckStatus status, String info) {
        return new Done(CheckResult.of(status, info), null);
    }

    static Verdict fail(CheckStatus status, int code, String info) {
        return new Done(CheckResult.of(status, code, info), null);
    }
}
