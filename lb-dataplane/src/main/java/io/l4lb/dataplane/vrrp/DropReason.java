package io.l4lb.dataplane.vrrp;

/**
 * Why a received advertisement was discarded (RFC 5798 §7.1), the {@code reason} label of
 * {@code l4lb_vrrp_adverts_dropped_total}. A dropped advert never changes state.
 */
public enum DropReason {
    /** Not a well-formed IPv4 packet of protocol 112 (truncated header, bad IHL, wrong protocol). */
    IP_HEADER("ip_header"),
    /** IPv4 TTL is not 255 (§7.1: MUST). */
    TTL("ttl"),
    /** VRRP version is not 3. */
    VERSION("version"),
    /** Type is not ADVERTISEMENT (1). */
    TYPE("type"),
    /** Shorter than the header plus its addresses (plus the auth trailer), or longer. */
    LENGTH("length"),
    /** Pseudo-header checksum does not verify. */
    CHECKSUM("checksum"),
    /** VRID is not the one configured on this instance. */
    VRID("vrid"),
    /** Count IPvX Addr does not match the configured virtual addresses. */
    ADDRESS_COUNT("address_count"),
    /** The address list does not match the configured virtual addresses (§7.1 MAY, on here). */
    ADDRESS_LIST("address_list"),
    /** Max Adver Int of zero. */
    INTERVAL("interval"),
    /** Authentication configured and the HMAC trailer is missing or does not verify. */
    AUTH("auth"),
    /** Authenticated, but its sequence number was already seen or is too old. */
    REPLAY("replay"),
    /** Unicast peers configured and the source is none of them. */
    UNKNOWN_PEER("unknown_peer");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The Prometheus label value. */
    public String label() {
        return label;
    }
}
