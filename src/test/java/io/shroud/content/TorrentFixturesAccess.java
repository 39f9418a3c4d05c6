package io.shroud.content;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link TorrentFixtures} for tests in other packages (the API's, the CLI's). */
public final class TorrentFixturesAccess {
  private TorrentFixturesAccess() {}

  /** A valid four-file torrent named "folder". */
  public static byte[] folder(boolean hybrid) {
    return TorrentFixtures.multiFile("folder", TorrentFixtures.folder(), 16384, hybrid);
  }

  /** A multi-file torrent with a file at {@code sub/../escape.txt}. */
  public static byte[] escaping() {
    Map<List<String>, byte[]> files = new LinkedHashMap<>(TorrentFixtures.folder());
    files.put(List.of("sub", "..", "escape.txt"), TestFiles.pattern(10));
    return TorrentFixtures.multiFile("folder", files, 16384, false);
  }
}
