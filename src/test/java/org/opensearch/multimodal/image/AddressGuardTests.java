package org.opensearch.multimodal.image;

import org.opensearch.test.OpenSearchTestCase;

import java.net.InetAddress;
import java.util.Set;

/** The address guard decides on resolved addresses: no test here connects anywhere. */
public final class AddressGuardTests extends OpenSearchTestCase {

    private static boolean internal(String literal) throws Exception {
        return AddressGuard.isInternal(InetAddress.getByName(literal));
    }

    public void testInternalAddressesAreRecognised() throws Exception {
        for (String literal : new String[]{
            "127.0.0.1", "127.1.2.3", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254",
            "169.254.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
            "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1"}) {
            assertTrue(literal + " must be blocked", internal(literal));
        }
    }

    public void testPublicAddressesPass() throws Exception {
        for (String literal : new String[]{"8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1",
            "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
            assertFalse(literal + " is public", internal(literal));
        }
    }

    public void testHostsResolvingToInternalAddressesAreBlockedWithTheSettingNamed() {
        AddressGuard guard = new AddressGuard(Set.of());
        for (String host : new String[]{"localhost", "127.0.0.1", "[::1]", "169.254.169.254", "10.1.2.3", "192.168.0.10", "172.20.1.1",
            "[::ffff:127.0.0.1]"}) {
            ImageException e = expectThrows(ImageException.class, () -> guard.resolve(host));
            assertEquals(host, ImageProblem.BLOCKED, e.problem());
            assertTrue(e.getMessage(), e.getMessage().contains("plugins.multimodal.image.url.allowed_hosts"));
        }
    }

    public void testAllowListedHostsAndAddressesPass() {
        assertEquals(1, new AddressGuard(Set.of("LocalHost")).resolve("localhost").length > 0 ? 1 : 0);
        assertTrue(new AddressGuard(Set.of("127.0.0.1")).resolve("127.0.0.1")[0].isLoopbackAddress());
        expectThrows(ImageException.class, () -> new AddressGuard(Set.of("127.0.0.1")).resolve("10.0.0.1"));
    }
}
