package io.l4lb.dataplane.nativeio;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 addresses as {@code int} in network order read as a big-endian number (10.0.0.1 is
 * 0x0A000001): comparable with {@link Integer#compareUnsigned}, allocation-free on the hot path.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /** Parses a dotted quad (no host names, no prefix). */
    public static int parse(String dotted) {
        String[] parts = dotted.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
        }
        int v = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'", e);
            }
            if (p.isEmpty() || octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    public static String toString(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    public static Inet4Address toInet(int ip) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address with its prefix length, {@code 192.0.2.10/24}; no prefix means /32. */
    public record Prefix(int address, int length) {
        public Prefix {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("prefix length out of 0..32: " + length);
            }
        }

        public static Prefix parse(String text) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                return new Prefix(Ipv4.parse(text), 32);
            }
            int len;
            try {
                len = Integer.parseInt(text.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'", e);
            }
            return new Prefix(Ipv4.parse(text.substring(0, slash)), len);
        }

        @Override
        public String toString() {
            return Ipv4.toString(address) + "/" + length;
        }
    }
}
