package io.l4lb.dataplane.proxy.acl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.l4lb.core.config.AclConfig;
import io.l4lb.core.config.Condition;
import io.l4lb.core.config.SourcePos;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclCompilerTest {
    private static AclConfig acl(String name, String crit, List<String> flags, String... v) {
        return new AclConfig(name, crit, flags, List.of(v), SourcePos.NONE);
    }

    private static Condition cond(boolean unless, List<List<Condition.Term>> any) {
        return new Condition(unless, any, SourcePos.NONE);
    }

    private static Condition.Term t(boolean neg, String name) {
        return new Condition.Term(neg, name, null);
    }

    private static ConnSamples from(String src, int sport, String dst, int dport) {
        return ConnSamples.connection(new InetSocketAddress(src, sport), new InetSocketAddress(dst, dport));
    }

    @Test
    void addressesPortsAndBooleanStructure() {
        AclCompiler c = new AclCompiler(List.of(acl("internal", "src", List.of(), "10.0.0.0/8", "192.168.0.0/16"),
                acl("internal", "src", List.of(), "2001:db8::/32"), acl("web", "dst_port", List.of(), "80", "8000:8099"),
                acl("hi", "src_port", List.of(), "1024:")));
        ConnPredicate internalWeb = c.compile(cond(false, List.of(List.of(t(false, "internal"), t(false, "web")))));
        assertTrue(internalWeb.test(from("10.1.2.3", 5000, "192.0.2.1", 80)));
        assertTrue(internalWeb.test(from("2001:db8::5", 5000, "2001:db8::1", 8050)));
        assertTrue(internalWeb.test(from("::ffff:192.168.4.4", 5000, "192.0.2.1", 80)));
        assertFalse(internalWeb.test(from("11.0.0.1", 5000, "192.0.2.1", 80)));
        assertFalse(internalWeb.test(from("10.0.0.1", 5000, "192.0.2.1", 443)));
        ConnPredicate notInternalOrHigh = c.compile(cond(false, List.of(List.of(t(true, "internal")),
                List.of(t(false, "hi")))));
        assertTrue(notInternalOrHigh.test(from("10.0.0.1", 2000, "192.0.2.1", 1)));
        assertFalse(notInternalOrHigh.test(from("10.0.0.1", 1000, "192.0.2.1", 1)));
        ConnPredicate unless = c.compile(cond(true, List.of(List.of(t(false, "internal")))));
        assertTrue(unless.test(from("8.8.8.8", 1, "1.1.1.1", 1)));
        assertTrue(c.compile(null).test(from("8.8.8.8", 1, "1.1.1.1", 1)));
    }

    @Test
    void sniMatchingFlagsAndHelloType() {
        ConnSamples s = from("127.0.0.1", 1, "127.0.0.1", 443).withHello("API.Example.com", 1);
        assertTrue(AclCompiler.acl(acl(null, "req.ssl_sni", List.of("-i"), "api.example.com")).test(s));
        assertFalse(AclCompiler.acl(acl(null, "req.ssl_sni", List.of(), "api.example.com")).test(s));
        assertTrue(AclCompiler.acl(acl(null, "req_ssl_sni", List.of("-i", "-m", "end"), ".example.com")).test(s));
        assertTrue(AclCompiler.acl(acl(null, "req.ssl_sni", List.of("-i", "-m", "beg"), "api.")).test(s));
        assertTrue(AclCompiler.acl(acl(null, "req.ssl_sni", List.of("-i", "-m", "dom"), "example")).test(s));
        assertTrue(AclCompiler.acl(acl(null, "req.ssl_hello_type", List.of(), "1")).test(s));
        ConnSamples none = from("127.0.0.1", 1, "127.0.0.1", 443);
        assertFalse(AclCompiler.acl(acl(null, "req.ssl_hello_type", List.of(), "1")).test(none));
        assertFalse(AclCompiler.acl(acl(null, "req.ssl_sni", List.of("-i"), "x")).test(none));
        assertTrue(AclCompiler.needsHello(acl(null, "req_ssl_sni", List.of(), "x")));
    }

    @Test
    void badValuesAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> AclCompiler.acl(acl(null, "src", List.of(), "10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> AclCompiler.acl(acl(null, "dst_port", List.of(), "http")));
        assertThrows(IllegalArgumentException.class, () -> AclCompiler.acl(acl(null, "hdr(host)", List.of(), "x")));
        AclCompiler c = new AclCompiler(List.of());
        assertThrows(IllegalArgumentException.class,
                () -> c.compile(cond(false, List.of(List.of(t(false, "nope"))))));
    }
}
