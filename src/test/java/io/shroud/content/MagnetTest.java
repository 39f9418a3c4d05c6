package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Magnets from other clients in, Shroud's public magnets out (BEP 9). */
class MagnetTest {
  private static final String V2 = "89a043294ff7ddbf3166e8ae53fcf2f49f39f507cc52328be3b473743df059cf";
  private static final String V1 = "417c8b18cd4f9b1ed6b9c31665b0196d32624300";

  @Test
  void aBareMagnetKnowsTheInfoHashOnly() {
    Magnet m = Magnet.parse("magnet:?xt=urn:btmh:1220" + V2);
    assertEquals(V2, m.infoHashHex());
    assertFalse(m.metadataKnown());
    assertTrue(m.shareLink().isEmpty());
    ShareLinkException e = assertThrows(ShareLinkException.class, m::requireShareLink);
    assertEquals(Magnet.NO_METADATA, e.getMessage());
    e = assertThrows(ShareLinkException.class, () -> ShareLink.parse("magnet:?xt=urn:btmh:1220" + V2));
    assertTrue(e.getMessage().contains("carries no metadata"), e.getMessage());
  }

  /** What libtorrent's make_magnet_uri writes for a hybrid torrent, plus a tracker tier. */
  @Test
  void aLibtorrentHybridMagnetWithTrackersIsAccepted() {
    Magnet m = Magnet.parse("magnet:?xt=urn:btih:" + V1 + "&xt=urn:btmh:1220" + V2
        + "&dn=five%20(1)!.bin&tr=udp%3A%2F%2Ftracker.example%3A6969%2Fannounce&tr=http://t2/a"
        + "&ws=http%3A%2F%2Fseed.example%2Ff&x.pe=127.0.0.1:6881&so=0,2-4&dht=router:6881"
        + "&kt=some+words&xl=5242880&tr.1=http://t3");
    assertEquals(V2, m.infoHashHex());
    assertArrayEquals(HexFormat.of().parseHex(V1), m.v1InfoHash().orElseThrow());
    assertEquals("five (1)!.bin", m.displayName().orElseThrow());
    assertEquals(5242880, m.exactLength().orElseThrow());
    assertEquals(List.of("udp://tracker.example:6969/announce", "http://t2/a", "http://t3"), m.trackers());
    assertEquals(List.of("http://seed.example/f"), m.webSeeds());
    assertFalse(m.metadataKnown());
  }

  @Test
  void aBase32V1HashIsRead() {
    Magnet m = Magnet.parse("magnet:?xt=urn:btih:" + "A".repeat(31) + "Q" + "&xt=urn:btmh:1220" + V2);
    assertEquals(20, m.v1InfoHash().orElseThrow().length);
  }

  @Test
  void aShroudLinkWithOtherClientsParametersKeepsItsMetadata() {
    ShareLink l = ShareLinkTest.publicLink();
    Magnet m = Magnet.parse(l.format() + "&tr=udp%3A%2F%2Ft%3A1&x.pe=1.2.3.4:5&foo=bar");
    assertTrue(m.metadataKnown());
    assertEquals(l, m.shareLink().orElseThrow());
    assertEquals(l, ShareLink.parse(l.format() + "&tr=http://t"));
  }

  @Test
  void publicLinksCarryDnAndXlInLibtorrentsOrder() {
    String text = ShareLinkTest.publicLink().format();
    // libtorrent writes xt, dn, then tr/ws; it writes no xl: Shroud puts xl right after dn
    assertTrue(text.matches("magnet:\\?xt=urn:btmh:1220[0-9a-f]{64}&dn=hello%20world%20%C3%A9\\.txt"
        + "&xl=328680&x\\.pl=.*"), text);
  }

  @Test
  void whatAMagnetCannotBeIsRefusedSayingWhy() {
    assertMessage("magnet:?xt=urn:btih:" + V1, "v1-only magnet");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&xt=urn:btih:xyz", "40 hex or 32 base32");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&dn=a%2Fb", "separator");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&dn=a&dn=b", "appears twice");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&xl=-1", "canonical decimal");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&x.pl=16384", "missing parameter 'x.len'");
    assertMessage("magnet:?dn=x", "missing parameter 'xt'");
    assertMessage("magnet:?xt=urn:btmh:1220" + V2 + "&a=1".repeat(MagnetQuery.MAX_PARAMS), "more than");
  }

  @Test
  void numericSuffixesAreStrippedFromStandardNamesOnly() {
    assertEquals("xt", MagnetQuery.canonicalName("xt.1"));
    assertEquals("tr", MagnetQuery.canonicalName("tr.12"));
    assertEquals("x.pl", MagnetQuery.canonicalName("x.pl"));
    assertEquals("x.1", MagnetQuery.canonicalName("x.1"));
    assertEquals("tr.a", MagnetQuery.canonicalName("tr.a"));
  }

  private static void assertMessage(String link, String part) {
    ShareLinkException e = assertThrows(ShareLinkException.class, () -> Magnet.parse(link));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }
}
