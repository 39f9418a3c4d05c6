package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlCookieTest {
  @TempDir
  Path dir;

  @Test
  void aFreshOwnerOnlyRandomTokenAtEveryStart() throws Exception {
    String first = ControlCookie.install(dir, "", new SecureRandom());
    Path cookie = dir.resolve(ControlCookie.FILE);
    assertTrue(first.matches("[0-9a-f]{64}"), "32 random bytes, hex");
    assertEquals(Optional.of(first), ControlCookie.read(dir));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cookie)));
    String second = ControlCookie.install(dir, "", new SecureRandom());
    assertNotEquals(first, second);
    assertEquals(Optional.of(second), ControlCookie.read(dir));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cookie)));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void aPlantedLinkIsReplacedNotFollowed() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "do not touch");
    Files.createSymbolicLink(dir.resolve(ControlCookie.FILE), victim);
    String token = ControlCookie.install(dir, "", new SecureRandom());
    assertEquals("do not touch", Files.readString(victim));
    assertFalse(Files.isSymbolicLink(dir.resolve(ControlCookie.FILE)));
    assertTrue(Files.isRegularFile(dir.resolve(ControlCookie.FILE), LinkOption.NOFOLLOW_LINKS));
    assertEquals(Optional.of(token), ControlCookie.read(dir));
  }

  @Test
  void aConfiguredTokenIsUsedAndAStaleCookieRemoved() throws Exception {
    ControlCookie.install(dir, "", new SecureRandom());
    assertEquals("configured-token", ControlCookie.install(dir, "configured-token", new SecureRandom()));
    assertFalse(Files.exists(dir.resolve(ControlCookie.FILE)));
    assertEquals(Optional.empty(), ControlCookie.read(dir));
  }
}
