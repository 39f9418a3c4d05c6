package io.shroud.swarm.fetch;

import io.shroud.content.BencodeException;
import io.shroud.content.Folder;
import io.shroud.content.Metainfo;
import io.shroud.content.TorrentPaths;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The file side of a folder download ({@link DownloadsActor}): which files were selected, where
 * each one goes under the output directory, and the folder's view from its files' downloads.
 * Each selected non-empty file is downloaded as its member share by a {@link DownloadActor} of
 * its own (id {@code <folder id>-<file number>}); empty files are created directly.
 *
 * <p>Every path a folder names came from a stranger. It was checked when its dictionary was
 * parsed ({@link TorrentPaths}: no {@code ..}, no separators, no absolute or drive names, no
 * device names, bounded length) and is checked again here, component by component, as the
 * directories are made: each one must be created by this node or already be a real directory
 * (never a link) inside the output directory, so no file can land outside it.
 */
final class FolderDownload {
  private FolderDownload() {}

  /** The download id of file {@code number} (1-based) of folder download {@code folderId}. */
  static String childId(String folderId, int number) {
    return folderId + "-" + number;
  }

  /**
   * Parses a selection like aria2's {@code --select-file}: file numbers from 1 and ranges
   * ({@code 1,3-5}); null or blank selects every file.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static BitSet select(String text, int fileCount) {
    BitSet chosen = new BitSet();
    if (text == null || text.isBlank()) {
      chosen.set(1, fileCount + 1);
      return chosen;
    }
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-');
      int from;
      int to;
      try {
        from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
        to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("files: '" + part + "' is not a file number or range (e.g. 1,3-5)");
      }
      if (from < 1 || to > fileCount || from > to) {
        throw new IllegalArgumentException("files: " + p + " is outside 1-" + fileCount);
      }
      chosen.set(from, to + 1);
    }
    return chosen;
  }

  /** The selection as a list of file numbers. */
  static int[] numbers(BitSet chosen) {
    return chosen.stream().toArray();
  }

  /**
   * Makes the directories of {@code path} under {@code outputDir} (which must exist) and returns
   * where the file goes. Every component is checked again; an existing component must be a real
   * directory, not a link.
   *
   * @throws IOException if a component is unsafe, a link, or not a directory
   */
  static Path prepare(Path outputDir, List<String> path) throws IOException {
    try {
      TorrentPaths.check(path);
    } catch (BencodeException e) {
      throw new IOException(e.getMessage());
    }
    Path dir = outputDir;
    for (int i = 0; i < path.size() - 1; i++) {
      dir = dir.resolve(path.get(i));
      try {
        Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException("'" + dir + "' is in the way: not a directory of this download");
        }
      }
    }
    Path target = dir.resolve(path.get(path.size() - 1));
    if (!target.normalize().startsWith(outputDir.normalize()) || target.normalize().equals(outputDir.normalize())) {
      throw new IOException("'" + String.join("/", path) + "' is not inside the output directory");
    }
    return target;
  }

  /**
   * Creates an empty file at {@code target} (an empty file already there is fine). A downloaded
   * file is never made executable, whatever its {@code attr} says: it comes from strangers.
   */
  static void createEmpty(Path target) throws IOException {
    try {
      Files.createFile(target);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.size(target) != 0) {
        throw new IOException("a file is already at " + target);
      }
    }
  }

  /**
   * The folder's view: its files with their states, and the totals over the selected ones.
   * {@code children}: the views of the file downloads that answered, by id.
   */
  static DownloadView view(String id, Folder folder, int[] selectedFiles, String outputDir,
      Map<String, DownloadView> children) {
    BitSet chosen = new BitSet();
    for (int n : selectedFiles) {
      chosen.set(n);
    }
    List<DownloadView.FileView> files = new ArrayList<>();
    long done = 0;
    long total = 0;
    int piecesDone = 0;
    int piecesTotal = 0;
    long rate = 0;
    int complete = 0;
    int paused = 0;
    int cancelled = 0;
    String error = null;
    String failed = null;
    for (int n = 1; n <= folder.files().size(); n++) {
      Metainfo.FileEntry e = folder.files().get(n - 1);
      if (!chosen.get(n)) {
        files.add(new DownloadView.FileView(n, e.pathText(), e.length(), false, null, "SKIPPED", 0));
        continue;
      }
      total += e.length();
      if (e.length() == 0) {
        complete++;
        files.add(new DownloadView.FileView(n, e.pathText(), 0, true, null, DownloadPhase.COMPLETE.name(), 0));
        continue;
      }
      String childId = childId(id, n);
      DownloadView c = children.get(childId);
      String state = c == null ? DownloadPhase.STARTING.name() : c.state();
      long bytes = c == null ? 0 : c.state().equals(DownloadPhase.COMPLETE.name()) ? e.length() : c.bytesDone();
      piecesTotal += e.geometry(folder.pieceLength()).pieceCount();
      if (c != null) {
        piecesDone += c.piecesDone();
        rate += c.rate();
        if (error == null && c.error() != null) {
          error = e.pathText() + ": " + c.error();
        }
      }
      done += bytes;
      switch (state) {
        case "COMPLETE" -> complete++;
        case "PAUSED" -> paused++;
        case "CANCELLED" -> cancelled++;
        case "FAILED" -> failed = failed == null ? e.pathText() : failed;
        default -> { }
      }
      files.add(new DownloadView.FileView(n, e.pathText(), e.length(), true, childId, state, bytes));
    }
    int selected = chosen.cardinality();
    String state = failed != null ? DownloadPhase.FAILED.name()
        : complete == selected ? DownloadPhase.COMPLETE.name()
        : cancelled > 0 ? DownloadPhase.CANCELLED.name()
        : paused > 0 && paused + complete == selected ? DownloadPhase.PAUSED.name()
        : DownloadPhase.DOWNLOADING.name();
    return new DownloadView(id, state, folder.infoHashHex(), folder.name(), done, total, piecesDone, piecesTotal, rate,
        List.of(), List.of(), 0, 0, outputDir, null, error, files);
  }
}
