package io.shroud.swarm.transfer;

import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.Cancel;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferMessage.Hashes;
import io.shroud.swarm.transfer.TransferMessage.Have;
import io.shroud.swarm.transfer.TransferMessage.Hello;
import io.shroud.swarm.transfer.TransferMessage.Refuse;
import io.shroud.swarm.transfer.TransferMessage.RefuseReason;
import io.shroud.swarm.transfer.TransferMessage.Reject;
import io.shroud.swarm.transfer.TransferMessage.RejectReason;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/** One or more valid messages of every type, at and near the limits. */
final class TransferSamples {
  private TransferSamples() {}

  static byte[] filled(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  static List<TransferMessage> all() {
    BitSet some = new BitSet();
    some.set(10);
    some.set(12);
    some.set(19);
    BitSet full = new BitSet();
    full.set(0, TransferCodec.MAX_HAVE_PIECES);
    return List.of(
        new Hello(filled(32, 1)),
        Have.allPieces(),
        new Have(false, 10, 10, some),
        new Have(false, 0, 1, new BitSet()),
        new Have(false, 0, TransferCodec.MAX_HAVE_PIECES, full),
        new Refuse(RefuseReason.UNKNOWN_SHARE, 0),
        new Refuse(RefuseReason.BUSY, 65535),
        new Refuse(RefuseReason.RATE_LIMITED, 30),
        new Refuse(RefuseReason.STALE, 0),
        new HashRequest(HashLayer.PIECES, 0, 128),
        new HashRequest(HashLayer.PIECES, 256, 1),
        new Hashes(HashLayer.PIECES, 0, filled(32, 2)),
        new Hashes(HashLayer.PIECES, 128, filled(128 * 32, 3)),
        new BlockRequest(0, 0, 16384),
        new BlockRequest(7, 16384 * 255, 1),
        new Block(0, 0, new byte[0], filled(1, 4)),
        new Block(3, 16384 * 3, filled(2 * 32, 5), filled(16384, 6)),
        new Block(TransferCodec.MAX_PIECE_COUNT - 1, 16384 * 1023, filled(10 * 32, 7),
            filled(16384, 8)),
        new Reject(5, 16384, RejectReason.NOT_AVAILABLE),
        new Reject(5, 0, RejectReason.BUSY),
        new Reject(5, 0, RejectReason.RATE_LIMITED),
        new Cancel(9, 32768),
        new TransferMessage.MetadataRequest(0),
        new TransferMessage.MetadataRequest(TransferCodec.MAX_METADATA_PIECES - 1),
        new TransferMessage.Metadata(1, 0, filled(1, 9)),
        new TransferMessage.Metadata(16384 + 5, 1, filled(5, 10)),
        new TransferMessage.Metadata(TransferCodec.MAX_METADATA_BYTES, TransferCodec.MAX_METADATA_PIECES - 1,
            filled(16384, 11)));
  }

  /** All samples framed back to back, as a stream would carry them. */
  static byte[] stream() {
    List<byte[]> frames = all().stream().map(TransferCodec::encode).toList();
    int n = frames.stream().mapToInt(f -> f.length).sum();
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] f : frames) {
      System.arraycopy(f, 0, out, o, f.length);
      o += f.length;
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }
}
