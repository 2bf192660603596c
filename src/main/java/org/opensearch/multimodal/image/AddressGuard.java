package org.opensearch.multimodal.image;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps image URLs away from the node's own network: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * carrier-grade NAT (100.64/10), link-local (169.254/16 with the cloud metadata address, fe80::/10), multicast and
 * unspecified addresses, also when written as IPv4-mapped or -compatible IPv6. Hosts the operator allow-lists are
 * reached whatever they resolve to. Checked on the resolved addresses of every host, redirects included.
 */
public final class AddressGuard {

    private final Set<String> allowedHosts;

    /** {@code allowedHosts}: host names or literal addresses, compared case-insensitively. */
    public AddressGuard(Set<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Resolves {@code host} and returns its addresses, or throws a {@link ImageProblem#BLOCKED} error when any of them is
     * one the node must not reach (all must pass: a host with one public and one private address is refused).
     */
    public InetAddress[] resolve(String host) {
        String normalized = host.toLowerCase(Locale.ROOT);
        if (normalized.startsWith("[") && normalized.endsWith("]")) {
            normalized = normalized.substring(1, normalized.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(normalized);
        } catch (UnknownHostException e) {
            throw new ImageException(ImageProblem.UNAVAILABLE, String.format(Locale.ROOT, "unknown host [%s]", host), e);
        }
        if (allowedHosts.contains(normalized)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && allowedHosts.contains(address.getHostAddress().toLowerCase(Locale.ROOT)) == false) {
                throw new ImageException(
                    ImageProblem.BLOCKED,
                    String.format(
                        Locale.ROOT,
                        "host [%s] resolves to [%s], a loopback, private, link-local, multicast or unspecified address; an operator "
                            + "may allow the host with plugins.multimodal.image.url.allowed_hosts",
                        host,
                        address.getHostAddress()
                    )
                );
            }
        }
        return addresses;
    }

    /** True for every address a request from the node must not reach unless allow-listed. */
    public static boolean isInternal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                return isInternal(embedded);
            }
            return v6.isAnyLocalAddress()
                || v6.isLoopbackAddress()
                || v6.isLinkLocalAddress()
                || v6.isSiteLocalAddress()
                || v6.isMulticastAddress()
                || (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        byte[] b = address.getAddress();
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return address.isAnyLocalAddress()
            || address.isLoopbackAddress()
            || address.isLinkLocalAddress()
            || address.isSiteLocalAddress()
            || address.isMulticastAddress()
            || first == 0 // "this network"
            || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
            || first >= 240; // reserved and broadcast
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address, else null. */
    private static InetAddress embeddedIpv4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0);
        if (mapped == false && compatible == false) {
            return null;
        }
        try {
            return Inet4Address.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }
}
