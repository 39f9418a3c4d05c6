package io.shroud.swarm.fetch;

import io.shroud.content.Folder;
import io.shroud.content.FolderManifest;
import io.shroud.content.Magnet;
import io.shroud.content.Metainfo;
import io.shroud.content.ShareKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The folder downloads of a {@link DownloadsActor}, on its thread: opens each folder's
 * dictionary (an encrypted one with the key in its download's link file, cached), makes its tree
 * and empty files, and says which file downloads to start ({@link FolderDownload} holds the path
 * rules and the view). Blocking file work, a few directories and empty files at a time.
 */
final class FolderDownloads {
  /** The download of one selected non-empty file: its id, its member link and where it goes. */
  record FileStart(String id, String link, Path target) {}

  /** The link files (an encrypted folder's key is in its download's link). */
  private final DownloadStore links;
  private final Map<String, Folder> opened = new HashMap<>();

  FolderDownloads(DownloadStore links) {
    this.links = links;
  }

  /**
   * The folder {@code info} describes, for download {@code id}: an encrypted folder's dictionary
   * is opened with the key of the link that started it (its link file). Cached by id.
   *
   * @throws IllegalArgumentException or IllegalStateException when it cannot be read
   */
  Folder open(String id, byte[] info) {
    Folder cached = opened.get(id);
    if (cached != null) {
      return cached;
    }
    ShareKey key = null;
    if (FolderManifest.isEncryptedFolder(info)) {
      key = links.readLink(id).map(Magnet::parse).flatMap(Magnet::folderKey).orElseThrow(
          () -> new IllegalStateException("download " + id + ": the encrypted folder's key is missing"));
    }
    Folder folder = Folder.parse(info, key);
    opened.put(id, folder);
    return folder;
  }

  /**
   * Makes the folder's directory ({@code outputDir}), the directories of the selected files and
   * the empty ones, and returns the downloads to start (or, after a restart, to wake) for the
   * others. Idempotent. A path that cannot be made safely leaves that file out with a warning;
   * nothing is written outside the output directory.
   */
  List<FileStart> prepare(String id, byte[] info, int[] files, String outputDir, Consumer<String> warn) {
    Folder folder;
    try {
      folder = open(id, info);
    } catch (RuntimeException e) {
      warn.accept(e.getMessage());
      return List.of();
    }
    Path out = Path.of(outputDir);
    try {
      Files.createDirectory(out);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
        warn.accept(out + " is not a directory; nothing is written");
        return List.of();
      }
    } catch (IOException e) {
      warn.accept("cannot make " + out + ": " + e.getMessage());
      return List.of();
    }
    List<FileStart> starts = new ArrayList<>();
    for (int n : files) {
      Metainfo.FileEntry e = folder.files().get(n - 1);
      try {
        Path target = FolderDownload.prepare(out, e.path());
        if (e.length() == 0) {
          FolderDownload.createEmpty(target);
        } else {
          starts.add(new FileStart(FolderDownload.childId(id, n), folder.memberLink(e).orElseThrow().format(), target));
        }
      } catch (IOException ex) {
        warn.accept("file " + n + " left out: " + ex.getMessage());
      }
    }
    return starts;
  }

  /** The ids of the downloads of the selected non-empty files. */
  List<String> fileIds(String id, byte[] info, int[] files) {
    Folder folder = open(id, info);
    List<String> ids = new ArrayList<>();
    for (int n : files) {
      if (folder.files().get(n - 1).length() > 0) {
        ids.add(FolderDownload.childId(id, n));
      }
    }
    return ids;
  }
}
