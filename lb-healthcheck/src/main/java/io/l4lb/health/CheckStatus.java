package io.l4lb.health;

/**
 * Layered check outcome, named and worded as HAProxy's {@code check_statuses[]} (check.c) so log
 * lines and stats read the same: the layer that answered (4 = TCP, 6 = TLS, 7 = application)
 * and whether it passed.
 */
public enum CheckStatus {
    L4OK(4, true, "Layer4 check passed"),
    L4TOUT(4, false, "Layer4 timeout"),
    L4CON(4, false, "Layer4 connection problem"),
    L6OK(6, true, "Layer6 check passed"),
    L6TOUT(6, false, "Layer6 timeout"),
    L6RSP(6, false, "Layer6 invalid response"),
    L7OK(7, true, "Layer7 check passed"),
    L7TOUT(7, false, "Layer7 timeout"),
    L7RSP(7, false, "Layer7 invalid response"),
    L7STS(7, false, "Layer7 wrong status"),
    /** Passive observation ({@code observe layer4}) reached {@code error-limit}. */
    HANA(4, false, "Health analyze"),
    SOCKERR(4, false, "Socket error");

    private final int layer;
    private final boolean passed;
    private final String description;

    CheckStatus(int layer, boolean passed, String description) {
        this.layer = layer;
        this.passed = passed;
        this.description = description;
    }

    public int layer() {
        return layer;
    }

    public boolean passed() {
        return passed;
    }

    /** HAProxy's wording, used as the "reason" of state-change log lines. */
    public String description() {
        return description;
    }
}
