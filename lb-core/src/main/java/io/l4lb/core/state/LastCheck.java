package io.l4lb.core.state;

/**
 * The outcome of a server's most recent active check, for stats and the admin API (HAProxy's
 * {@code check_status}, {@code check_code}, {@code check_duration}, {@code check_desc} columns).
 *
 * @param status     HAProxy status code such as {@code L4OK}, {@code L4CON}, {@code L7STS}
 * @param layer      4, 6 or 7 (0 when not checked yet)
 * @param passed     whether the check passed
 * @param code       protocol code (HTTP status, SMTP reply...), -1 when none
 * @param info       reason text ("Connection refused", "HTTP status check returned code 503")
 * @param durationMillis how long the check took
 * @param health     the rise/fall counter after this check, 0 .. rise+fall-1
 */
public record LastCheck(String status, int layer, boolean passed, int code, String info, long durationMillis,
                        int health) {
    public static final LastCheck NONE = new LastCheck("UNK", 0, false, -1, "not checked", 0, 0);
}
