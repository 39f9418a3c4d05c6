package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What an encrypted folder hides from the network: its name and tree, and the link of every
 * file's own encrypted member share (each with its own random key). Sealed with AES-256-GCM
 * under the folder key's manifest subkey ({@link ShareKey#manifestKey}), with associated data
 * {@code "shroud/v1/folder-manifest"}; the sealed bytes are the {@value #INFO_KEY} value of the
 * folder's info dictionary, whose SHA-256 names the folder.
 *
 * <p>Plaintext: {@code u32 length | bencoded dict | zero bytes} up to a multiple of {@value #PAD}
 * bytes, the dict being {@code {"files": [{"length": L, "link": "magnet:?…", "path": [c, …]}, …],
 * "name": N, "piece length": P}} ({@code link} absent exactly for an empty file), files in BEP 52
 * tree order. Opening checks every path ({@link TorrentPaths}), every link ({@link ShareLink#parse}:
 * encrypted, the file's length, the folder's piece length), and the file count.
 *
 * @param name the folder's name
 * @param pieceLength every member's piece length
 * @param files the files in tree order
 */
public record FolderManifest(String name, int pieceLength, List<Entry> files) {
  /** The key of the sealed manifest in an encrypted folder's info dictionary. */
  public static final String INFO_KEY = "x.folder";
  public static final int PAD = 1024;
  static final int NONCE = 12;
  static final int TAG = 16;
  private static final byte[] AAD = "shroud/v1/folder-manifest".getBytes(StandardCharsets.US_ASCII);

  /**
   * One file.
   *
   * @param path components under the folder
   * @param length plaintext length
   * @param link its member share's link; null for an empty file
   */
  public record Entry(List<String> path, long length, ShareLink link) {
    public Entry {
      path = List.copyOf(path);
    }
  }

  public FolderManifest {
    files = List.copyOf(files);
    if (files.isEmpty() || files.size() > Metainfo.MAX_FILES) {
      throw new IllegalArgumentException("a folder holds 1 to " + Metainfo.MAX_FILES + " files");
    }
    TorrentPaths.check(List.of(name));
    for (Entry e : files) {
      TorrentPaths.check(e.path());
      if ((e.length() == 0) != (e.link() == null)) {
        throw new IllegalArgumentException("'" + TorrentPaths.show(e.path())
            + "': a link exactly when the file is not empty");
      }
      if (e.link() != null && (!e.link().encrypted() || e.link().geometry().length() != e.length()
          || e.link().geometry().pieceLength() != pieceLength)) {
        throw new IllegalArgumentException("'" + TorrentPaths.show(e.path())
            + "': its link is not an encrypted share of its length and the folder's piece length");
      }
    }
  }

  /** The encrypted folder's info dictionary: {@code {"name": "shroud-encrypted", "x.folder": sealed}}. */
  public byte[] infoDict(ShareKey folderKey, SecureRandom random) {
    return Bencode.encode(BDict.of(Map.of("name", BBytes.of(ShareLink.ENCRYPTED_NAME),
        INFO_KEY, BBytes.of(seal(folderKey, random)))));
  }

  /** True when {@code info} has the shape of an encrypted folder's dictionary. */
  public static boolean isEncryptedFolder(byte[] info) {
    try {
      return Bencode.decode(info) instanceof BDict d && d.entries().size() == 2
          && d.get(INFO_KEY) instanceof BBytes && ShareLink.ENCRYPTED_NAME.equals(text(d.get("name")));
    } catch (BencodeException e) {
      return false;
    }
  }

  /** Opens an encrypted folder's info dictionary; any failure is a {@link ContentDecryptionException}. */
  public static FolderManifest open(ShareKey folderKey, byte[] info) throws ContentDecryptionException {
    if (!isEncryptedFolder(info)) {
      throw new ContentDecryptionException("not an encrypted folder's info dictionary");
    }
    byte[] sealed = ((BBytes) ((BDict) Bencode.decode(info)).get(INFO_KEY)).bytes();
    if (sealed.length < NONCE + PAD + TAG) {
      throw new ContentDecryptionException("sealed folder manifest has an impossible length");
    }
    byte[] plain;
    try {
      Cipher c = gcm(Cipher.DECRYPT_MODE, folderKey, Arrays.copyOf(sealed, NONCE));
      c.updateAAD(AAD);
      plain = c.doFinal(sealed, NONCE, sealed.length - NONCE);
    } catch (AEADBadTagException e) {
      throw new ContentDecryptionException("folder manifest authentication failed: wrong key, or altered");
    } catch (GeneralSecurityException e) {
      throw new ContentDecryptionException("folder manifest could not be decrypted", e);
    }
    try {
      return decode(plain);
    } catch (RuntimeException e) {
      throw new ContentDecryptionException("authenticated folder manifest is malformed: " + e.getMessage());
    }
  }

  /** The padded plaintext: {@code u32 length | bencoded dict | zeros}. */
  byte[] plaintext() {
    byte[] body = Bencode.encode(toBValue());
    int raw = 4 + body.length;
    ByteBuffer plain = ByteBuffer.allocate((raw + PAD - 1) / PAD * PAD);
    plain.putInt(body.length).put(body);
    return plain.array();
  }

  byte[] seal(ShareKey folderKey, SecureRandom random) {
    ByteBuffer plain = ByteBuffer.wrap(plaintext());
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = gcm(Cipher.ENCRYPT_MODE, folderKey, nonce);
      c.updateAAD(AAD);
      byte[] ct = c.doFinal(plain.array());
      byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
      System.arraycopy(ct, 0, out, NONCE, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
  }

  private BDict toBValue() {
    List<BValue> list = new ArrayList<>();
    for (Entry e : files) {
      TreeMap<BBytes, BValue> f = new TreeMap<>();
      f.put(BBytes.of("length"), new BInt(e.length()));
      if (e.link() != null) {
        f.put(BBytes.of("link"), BBytes.of(e.link().format()));
      }
      f.put(BBytes.of("path"), new BList(e.path().stream().<BValue>map(BBytes::of).toList()));
      list.add(new BDict(f));
    }
    return BDict.of(Map.of("files", new BList(list), "name", BBytes.of(name),
        "piece length", new BInt(pieceLength)));
  }

  static FolderManifest decode(byte[] plain) {
    ByteBuffer b = ByteBuffer.wrap(plain);
    if (plain.length == 0 || plain.length % PAD != 0) {
      throw new IllegalArgumentException("bad padding");
    }
    int n = b.getInt();
    if (n < 0 || n > plain.length - 4) {
      throw new IllegalArgumentException("bad length");
    }
    for (int i = 4 + n; i < plain.length; i++) {
      if (plain[i] != 0) {
        throw new IllegalArgumentException("non-zero padding");
      }
    }
    if (!(Bencode.decode(Arrays.copyOfRange(plain, 4, 4 + n)) instanceof BDict d) || d.entries().size() != 3
        || !(d.get("files") instanceof BList list) || !(d.get("piece length") instanceof BInt pl)) {
      throw new IllegalArgumentException("not a folder manifest");
    }
    String plProblem = PieceLengths.problem(pl.value());
    if (plProblem != null) {
      throw new IllegalArgumentException(plProblem);
    }
    List<Entry> files = new ArrayList<>();
    for (BValue v : list.values()) {
      if (!(v instanceof BDict f) || !(f.get("length") instanceof BInt len) || !(f.get("path") instanceof BList p)
          || f.entries().size() != (f.get("link") == null ? 2 : 3)) {
        throw new IllegalArgumentException("a file entry is malformed");
      }
      List<String> path = p.values().stream().map(FolderManifest::text).toList();
      ShareLink link = f.get("link") == null ? null : ShareLink.parse(text(f.get("link")));
      files.add(new Entry(path, len.value(), link));
    }
    return new FolderManifest(text(d.get("name")), (int) pl.value(), files);
  }

  private static String text(BValue v) {
    if (!(v instanceof BBytes b)) {
      throw new IllegalArgumentException("expected a string");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b.bytes())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("a string is not UTF-8");
    }
  }

  private static Cipher gcm(int mode, ShareKey key, byte[] nonce) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key.manifestKey(), "AES"), new GCMParameterSpec(128, nonce));
    return c;
  }

  @Override
  public String toString() {
    return "FolderManifest[" + files.size() + " files, pieceLength=" + pieceLength + "]";
  }
}
