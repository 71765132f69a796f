package io.l4lb.health;

/**
 * One check's outcome.
 *
 * @param status         layered status
 * @param code           protocol code (HTTP status, SMTP reply, MySQL error number), -1 when none
 * @param info           free text: the peer's error message or what did not match
 * @param durationNanos  connect to verdict, measured on the injected clock
 */
public record CheckResult(CheckStatus status, int code, String info, long durationNanos) {
    public boolean passed() {
        return status.passed();
    }

    public long durationMillis() {
        return durationNanos / 1_000_000L;
    }

    public CheckResult withDuration(long nanos) {
        return new CheckResult(status, code, info, nanos);
    }

    public static CheckResult of(CheckStatus status, String info) {
        return new CheckResult(status, -1, info, 0);
    }

    public static CheckResult of(CheckStatus status, int code, String info) {
        return new CheckResult(status, code, info, 0);
    }
}
