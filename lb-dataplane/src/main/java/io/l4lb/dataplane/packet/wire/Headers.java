package io.l4lb.dataplane.packet.wire;

/** Header offsets and constants (IEEE 802.3/802.1Q, RFC 826 ARP, RFC 791 IPv4, RFC 793 TCP, RFC 768 UDP). */
public final class Headers {
    private Headers() {
    }

    public static final int ETH_DST = 0;
    public static final int ETH_SRC = 6;
    public static final int ETH_TYPE = 12;
    public static final int ETH_LEN = 14;
    public static final int VLAN_LEN = 4;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;

    public static final int ARP_HTYPE = 0;
    public static final int ARP_PTYPE = 2;
    public static final int ARP_HLEN = 4;
    public static final int ARP_PLEN = 5;
    public static final int ARP_OPER = 6;
    public static final int ARP_SHA = 8;
    public static final int ARP_SPA = 14;
    public static final int ARP_THA = 18;
    public static final int ARP_TPA = 24;
    public static final int ARP_LEN = 28;
    public static final int ARP_REQUEST = 1;
    public static final int ARP_REPLY = 2;

    public static final int IP_VER_IHL = 0;
    public static final int IP_TOS = 1;
    public static final int IP_TOTAL_LEN = 2;
    public static final int IP_ID = 4;
    public static final int IP_FRAG = 6;
    public static final int IP_TTL = 8;
    public static final int IP_PROTO = 9;
    public static final int IP_CHECKSUM = 10;
    public static final int IP_SRC = 12;
    public static final int IP_DST = 16;
    public static final int IP_MIN_LEN = 20;
    public static final int IP_DF = 0x4000;
    /** More-fragments flag and fragment offset: either set means a fragment. */
    public static final int IP_MF_OFFSET = 0x3fff;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPIP = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    public static final int L4_SRC_PORT = 0;
    public static final int L4_DST_PORT = 2;
    public static final int TCP_SEQ = 4;
    public static final int TCP_DATA_OFFSET = 12;
    public static final int TCP_FLAGS = 13;
    public static final int TCP_CHECKSUM = 16;
    public static final int TCP_MIN_LEN = 20;
    public static final int UDP_LEN = 8;
    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;
    /** Congestion window reduced (RFC 3168 section 6.1.2). */
    public static final int TCP_CWR = 0x80;

    public static final int ICMP_LEN = 8;
    public static final int ICMP_DEST_UNREACH = 3;
    public static final int ICMP_FRAG_NEEDED = 4;
}
