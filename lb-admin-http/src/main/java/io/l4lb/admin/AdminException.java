package io.l4lb.admin;

/** A request the admin plane refuses: an HTTP status and a reason the client sees as JSON. */
public final class AdminException extends RuntimeException {
    private final int status;

    public AdminException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
