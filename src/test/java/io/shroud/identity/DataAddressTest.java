package io.shroud.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DataAddressTest {
  @Test
  void literalsParseAndHostNamesOrBadPortsDoNot() {
    DataAddress v4 = DataAddress.parse("127.3.0.1:7000").orElseThrow();
    assertEquals("127.3.0.1", v4.address().getHostAddress());
    assertEquals(7000, v4.port());
    DataAddress v6 = DataAddress.parse("[2001:db8::1]:443").orElseThrow();
    assertEquals("2001:db8:0:0:0:0:0:1", v6.address().getHostAddress());
    assertTrue(DataAddress.parse("localhost:9000").isPresent());
    assertTrue(DataAddress.parse("255.255.255.255:9000").isPresent());
    assertFalse(DataAddress.isLiteralHost("999.1.1.1"));
    for (String bad : new String[] {"example.org:7000", "127.0.0.1", "127.0.0.1:0",
        "127.0.0.1:70000", ":7000", "127.0.0.1:x", null,
        // dotted numbers that are no IPv4 literal: the JDK would resolve them through DNS
        "999.1.1.1:7000", "127.0.0.256:7000", "256.256.256.256:7000"}) {
      assertTrue(DataAddress.parse(bad).isEmpty(), "accepted " + bad);
    }
  }

  @Test
  void dataAddressesParseHostPortAndBracketedV6() {
    assertEquals(new InetSocketAddress("127.0.0.1", 7000), socket("127.0.0.1:7000"));
    assertEquals(new InetSocketAddress("::1", 7000), socket("[::1]:7000"));
    assertEquals("[0:0:0:0:0:0:0:1]:7000",
        DataAddress.format(new InetSocketAddress("0:0:0:0:0:0:0:1", 7000)));
    assertNull(socket("127.0.0.1"));
    assertNull(socket("127.0.0.1:"));
    assertNull(socket("127.0.0.1:0"));
    assertNull(socket("127.0.0.1:70000"));
    assertNull(socket("host:port"));
    assertNull(socket(":7000"));
  }

  private static InetSocketAddress socket(String text) {
    return DataAddress.parse(text).map(DataAddress::socketAddress).orElse(null);
  }
}
