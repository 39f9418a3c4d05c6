package io.shroud.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A relay's store of fragments kept for others (docs/protocol.md §12.5), on disk in one
 * directory: each fragment in a file named by its address ({@code <64 hex>.frag}), nothing else
 * — no key, no share, no uploader. It takes a fragment only when its bytes hash to the address
 * it is offered under; keeps the total within a quota by evicting the least recently requested
 * fragments; forgets fragments whose lease ran out ({@link #expire}); and re-checks a fragment's
 * hash when it is read, so it never serves bytes that rotted on disk. A fragment's last request
 * is its file's modification time, so the eviction order survives a restart; leases are the
 * caller's to persist (the store starts every fragment it finds with {@code leaseOnOpen}).
 *
 * <p>Pure apart from its files; not thread-safe: one actor owns it.
 */
public final class FragmentStore {
  /** What the store holds of one fragment. */
  public record Entry(String address, long bytes, Instant lastRequested, Instant leaseUntil) {}

  /** The answer to {@link #put}. */
  public sealed interface Put {}

  /** Stored (or already there: its lease extended); {@code evicted} made room for it. */
  public record Accepted(List<String> evicted) implements Put {}

  /** Not stored, and why. */
  public record Refused(String reason) implements Put {}

  private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}\\.frag");
  private static final String SUFFIX = ".frag";
  private static final Comparator<Entry> EVICTION_ORDER =
      Comparator.comparing(Entry::lastRequested).thenComparing(Entry::address);

  private final Path dir;
  private final long quotaBytes;
  private final int maxFragmentBytes;
  private final Clock clock;
  /** Address → entry. */
  private final Map<String, Entry> entries = new HashMap<>();
  private long used;

  private FragmentStore(Path dir, long quotaBytes, int maxFragmentBytes, Clock clock) {
    this.dir = dir;
    this.quotaBytes = quotaBytes;
    this.maxFragmentBytes = maxFragmentBytes;
    this.clock = clock;
  }

  /**
   * The store in {@code dir} (created if need be): the fragments found there, in order of their
   * last request, each with lease {@code leaseOnOpen}; half-written files of a crash are removed.
   */
  public static FragmentStore open(Path dir, long quotaBytes, int maxFragmentBytes, Instant leaseOnOpen, Clock clock)
      throws IOException {
    if (quotaBytes < 0 || maxFragmentBytes < 1) {
      throw new IllegalArgumentException("the quota must be >= 0 and the largest fragment >= 1 byte");
    }
    Files.createDirectories(dir);
    FragmentStore store = new FragmentStore(dir, quotaBytes, maxFragmentBytes, clock);
    List<Entry> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.deleteIfExists(file);
        } else if (NAME.matcher(name).matches() && Files.isRegularFile(file)) {
          found.add(new Entry(name.substring(0, 64), Files.size(file),
              Files.getLastModifiedTime(file).toInstant(), leaseOnOpen));
        }
      }
    }
    for (Entry e : found) {
      store.entries.put(e.address(), e);
      store.used += e.bytes();
    }
    return store;
  }

  /**
   * Stores {@code bytes} under {@code address} until {@code leaseUntil}, evicting the least
   * recently requested fragments past the quota. A fragment already held keeps its bytes and
   * gets the later of the two leases.
   */
  public Put put(byte[] address, byte[] bytes, Instant leaseUntil) throws IOException {
    if (address.length != StripeCoder.ADDRESS_BYTES || !MessageDigest.isEqual(StripeCoder.address(bytes), address)) {
      return new Refused("the fragment does not match its address");
    }
    if (bytes.length > maxFragmentBytes) {
      return new Refused("the fragment is " + bytes.length + " bytes, more than the " + maxFragmentBytes + " taken");
    }
    if (bytes.length > quotaBytes) {
      return new Refused("the fragment is larger than the store's quota");
    }
    String hex = HexFormat.of().formatHex(address);
    Instant now = clock.instant();
    Entry held = entries.get(hex);
    if (held != null) {
      Instant later = held.leaseUntil().isAfter(leaseUntil) ? held.leaseUntil() : leaseUntil;
      entries.put(hex, new Entry(hex, held.bytes(), now, later));
      touch(hex, now);
      return new Accepted(List.of());
    }
    List<String> evicted = new ArrayList<>();
    if (used + bytes.length > quotaBytes) {
      for (Entry victim : list()) {
        if (used + bytes.length <= quotaBytes) {
          break;
        }
        remove(victim.address());
        evicted.add(victim.address());
      }
    }
    Path tmp = dir.resolve(hex + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    Files.move(tmp, file(hex), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    touch(hex, now);
    entries.put(hex, new Entry(hex, bytes.length, now, leaseUntil));
    used += bytes.length;
    return new Accepted(List.copyOf(evicted));
  }

  /**
   * The fragment stored under {@code address}, now its most recently requested; empty when not
   * held, or when its file no longer hashes to its address (it is then deleted).
   */
  public Optional<byte[]> get(byte[] address) throws IOException {
    String hex = HexFormat.of().formatHex(address);
    Entry held = entries.get(hex);
    if (held == null) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file(hex));
    } catch (java.nio.file.NoSuchFileException e) {
      bytes = null;
    }
    if (bytes == null || !MessageDigest.isEqual(StripeCoder.address(bytes), address)) {
      remove(hex);
      return Optional.empty();
    }
    Instant now = clock.instant();
    entries.put(hex, new Entry(hex, held.bytes(), now, held.leaseUntil()));
    touch(hex, now);
    return Optional.of(bytes);
  }

  /** Extends the lease of a held fragment to {@code until} (never shortens it); false when not held. */
  public boolean renew(byte[] address, Instant until) {
    String hex = HexFormat.of().formatHex(address);
    Entry held = entries.get(hex);
    if (held == null) {
      return false;
    }
    if (until.isAfter(held.leaseUntil())) {
      entries.put(hex, new Entry(hex, held.bytes(), held.lastRequested(), until)); // no request: same place
    }
    return true;
  }

  /** Deletes every fragment whose lease ended before now; their addresses. */
  public List<String> expire() throws IOException {
    Instant now = clock.instant();
    List<String> gone = new ArrayList<>();
    for (Entry e : List.copyOf(entries.values())) {
      if (e.leaseUntil().isBefore(now)) {
        remove(e.address());
        gone.add(e.address());
      }
    }
    return gone;
  }

  /** What is held, least recently requested first: what an operator may list (addresses, sizes, times). */
  public List<Entry> list() {
    List<Entry> all = new ArrayList<>(entries.values());
    all.sort(EVICTION_ORDER);
    return all;
  }

  public long usedBytes() {
    return used;
  }

  public long quotaBytes() {
    return quotaBytes;
  }

  private void remove(String hex) throws IOException {
    Entry e = entries.remove(hex);
    if (e != null) {
      used -= e.bytes();
    }
    Files.deleteIfExists(file(hex));
  }

  private void touch(String hex, Instant when) throws IOException {
    Files.setLastModifiedTime(file(hex), FileTime.from(when));
  }

  private Path file(String hex) {
    return dir.resolve(hex + SUFFIX);
  }
}
