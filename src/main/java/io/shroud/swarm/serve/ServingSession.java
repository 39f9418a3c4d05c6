package io.shroud.swarm.serve;

import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareMetadata;
import io.shroud.swarm.transfer.OutboundChunks;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferProtocolException;
import io.shroud.wire.TokenBucket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;

/**
 * The provider's rules for one incoming {@code transfer} stream ({@code docs/protocol.md
 * (section 8)} §3–4, §9), without the actor that runs it: what each stream event does, and what
 * the session asks of its {@link ServingIo} (writes, the end of the stream, a share lookup, read
 * tasks, a rate-limit retry).
 *
 * <ul>
 *   <li>The stream's bytes are decoded here ({@link TransferFrameDecoder}); a frame or message
 *       that breaks the protocol ends the stream (a violation).
 *   <li>HELLO, once: REFUSE busy when the session was opened over the cap on downloaders, else a
 *       share lookup; an unknown share is REFUSEd, a share whose data cannot be opened is stale,
 *       and an accepted share is answered with HAVE (all pieces).
 *   <li>HASH_REQUEST and BLOCK_REQUEST before the share was accepted, a second HELLO, a
 *       HASH_REQUEST past the last piece, more than {@link TransferCodec#MAX_QUEUED_REQUESTS}
 *       queued block requests, or a message a provider does not take: violations. CANCEL drops
 *       a queued request.
 *   <li>METADATA_REQUEST (after HELLO was accepted): a piece of the public share's bencoded
 *       info dictionary; an encrypted share REFUSEs it and the stream ends.
 *   <li>Queued block requests become read tasks ({@link #pump()}): while fewer than
 *       {@link #READS_IN_FLIGHT} run and fewer than {@link #MAX_OUTBOUND_CHUNKS} chunks wait for
 *       stream credit, one task takes up to {@link FileRun#BLOCKS_PER_READ} requests in order; a
 *       request that does not fit the share is REJECTed, and one the provider's
 *       {@link TokenBucket} cannot pay for yet waits (a retry is scheduled) rather than being
 *       rejected.
 *   <li>A read task's blocks are sent together; a block that could not be read is REJECTed.
 * </ul>
 *
 * Messages leave through {@link OutboundChunks}, against the stream's credit; a session that
 * closes ends the stream once what it queued has been written. Not thread-safe: every call comes
 * from the actor's thread.
 */
final class ServingSession {
  /** Chunks waiting for stream credit above which no further block is read. */
  static final int MAX_OUTBOUND_CHUNKS = 16;
  /**
   * Read tasks of one session running at once. With one, the session's next disk read (and the
   * hashing of its piece proofs) waited until the last batch had been sealed and handed to the
   * stream; two overlap the two. Blocks may then leave out of request order, which the transfer
   * protocol allows (each BLOCK names its piece and offset).
   */
  static final int READS_IN_FLIGHT = 2;
  /** Pieces whose proofs a session keeps for its read tasks (its requests come nearly in order). */
  static final int PROOF_CACHE_PIECES = 4;

  /**
   * What the sessions of one provider share.
   *
   * @param bucket the node-wide upload rate limit
   * @param counters what the sessions have done
   * @param maxChunk the largest stream chunk (a relay cell's data)
   * @param corruptBlocks TEST ONLY: flip a byte of every block served
   * @param log where violations and failed reads are noted
   */
  record Provider(TokenBucket bucket, ServingCounters counters, int maxChunk, boolean corruptBlocks, Logger log) {}

  private final int id;
  private final boolean busy;
  private final ServingIo io;
  private final TokenBucket bucket;
  private final ServingCounters counters;
  private final boolean corruptBlocks;
  private final Logger log;
  private final TransferFrameDecoder decoder = new TransferFrameDecoder();
  private final OutboundChunks outbound;
  private final ArrayDeque<BlockRequest> queue = new ArrayDeque<>();
  private final SessionProofs proofs = new SessionProofs(PROOF_CACHE_PIECES);
  private ServedShare share;
  /** The info dictionary of the folder HELLO named; null unless the share is a folder's record. */
  private byte[] folderInfo;
  private boolean helloSeen;
  private int readsInFlight;
  private boolean closing;
  private boolean endSent;

  /**
   * Session {@code id} (named in the log) of {@code provider}, doing its I/O through {@code io};
   * {@code busy} if it was opened while the provider served as many downloaders as it takes.
   */
  ServingSession(int id, boolean busy, Provider provider, ServingIo io) {
    this.id = id;
    this.busy = busy;
    this.io = io;
    this.bucket = provider.bucket();
    this.counters = provider.counters();
    this.corruptBlocks = provider.corruptBlocks();
    this.log = provider.log();
    this.outbound = new OutboundChunks(provider.maxChunk());
  }

  /** The stream opened with {@code credit} chunks of credit. */
  void opened(int credit) {
    outbound.credit(credit);
    flush();
  }

  /** {@code chunks} written chunks returned their credit: waiting output goes, and reads may start. */
  void credited(int chunks) {
    outbound.credit(chunks);
    flush();
    pump();
  }

  /** The downloader's bytes, as the stream delivered them: decoded and handled, then reads start. */
  void received(List<byte[]> parts) {
    try {
      for (TransferMessage m : decoder.feed(parts)) {
        onMessage(m);
      }
      // once per delivered batch, not per request: the requests that came together are read
      // together (a read task takes up to BLOCKS_PER_READ of them)
      pump();
    } catch (TransferProtocolException ex) {
      violation(ex.getMessage());
    }
  }

  private void onMessage(TransferMessage m) throws TransferProtocolException {
    if (closing) {
      return;
    }
    if (m instanceof TransferMessage.Hello hello) {
      if (helloSeen) {
        throw new TransferProtocolException("second HELLO on one stream");
      }
      helloSeen = true;
      if (busy) {
        refuse(TransferMessage.RefuseReason.BUSY, 30);
        return;
      }
      io.findShare(HexFormat.of().formatHex(hello.infoHash()));
    } else if (m instanceof TransferMessage.HashRequest r) {
      ServedShare accepted = requireShare();
      if ((long) r.index() + r.count() > accepted.geometry().pieceCount()) {
        throw new TransferProtocolException("hash request past the last piece");
      }
      byte[] layer = accepted.metadata().tree().pieceLayerBytes();
      send(new TransferMessage.Hashes(r.layer(), r.index(),
          Arrays.copyOfRange(layer, r.index() * 32, (r.index() + r.count()) * 32)));
    } else if (m instanceof BlockRequest r) {
      requireShare();
      if (queue.size() >= TransferCodec.MAX_QUEUED_REQUESTS) {
        throw new TransferProtocolException("more than " + TransferCodec.MAX_QUEUED_REQUESTS + " block requests queued");
      }
      queue.add(r);
    } else if (m instanceof TransferMessage.Cancel c) {
      queue.removeIf(q -> q.piece() == c.piece() && q.offset() == c.offset());
    } else if (m instanceof TransferMessage.MetadataRequest r) {
      if (folderInfo != null) {
        sendMetadata(folderInfo, r);
      } else {
        onMetadataRequest(requireShare(), r);
      }
    } else {
      throw new TransferProtocolException("a provider does not accept " + m.type());
    }
  }

  /**
   * Answers a METADATA_REQUEST from the share's info dictionary, for a public share only: an
   * encrypted share's info-hash is not public and its metadata lives in the sealed manifest of
   * its link, so the request is REFUSEd (unknown share) and the stream ends, as if the share
   * were not served here. A piece past the dictionary's end is a violation.
   */
  private void onMetadataRequest(ServedShare accepted, TransferMessage.MetadataRequest r)
      throws TransferProtocolException {
    if (accepted.metadata().encrypted()) {
      refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0);
      return;
    }
    sendMetadata(accepted.infoBytes(), r);
  }

  /** Sends piece {@code r.piece()} of {@code info}; a dictionary over the bound is REFUSEd as unknown. */
  private void sendMetadata(byte[] info, TransferMessage.MetadataRequest r) throws TransferProtocolException {
    if (info.length > TransferCodec.MAX_METADATA_BYTES) {
      refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0); // never for a single-file share
      return;
    }
    if (r.piece() >= TransferMessage.Metadata.pieceCount(info.length)) {
      throw new TransferProtocolException("metadata request past the dictionary's end");
    }
    int from = r.piece() * TransferCodec.METADATA_PIECE_BYTES;
    send(new TransferMessage.Metadata(info.length, r.piece(), Arrays.copyOfRange(info, from,
        from + TransferMessage.Metadata.pieceSize(info.length, r.piece()))));
  }

  private ServedShare requireShare() throws TransferProtocolException {
    if (share == null) {
      throw new TransferProtocolException("request before the share was accepted");
    }
    return share;
  }

  /** The share HELLO named is not served here (or the lookup failed). */
  void shareUnknown() {
    if (!closing) {
      refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0);
    }
  }

  /** The share HELLO named: served from {@code dataFile}, with leaf hashes in {@code leavesFile} (null: none). */
  void shareFound(ShareMetadata metadata, Path dataFile, Path leavesFile) {
    if (closing) {
      return;
    }
    try {
      share = ServedShare.open(metadata, dataFile, leavesFile);
    } catch (IOException e) {
      log.warn("cannot open share data {}: {}", metadata.infoHashHex(), e.getMessage());
      refuse(TransferMessage.RefuseReason.STALE, 60);
      return;
    }
    send(TransferMessage.Have.allPieces());
  }

  /**
   * The share HELLO named is a folder's record: it serves the folder's info dictionary to
   * METADATA_REQUESTs. It has no pieces of its own (its files are member shares, fetched under
   * their own info-hashes): it answers HELLO with the usual HAVE, which a metadata phase ignores,
   * and any piece or hash request on it is a violation.
   */
  void folderFound(byte[] info) {
    if (closing) {
      return;
    }
    folderInfo = info.clone();
    send(TransferMessage.Have.allPieces());
  }

  /** Starts read tasks while fewer than {@link #READS_IN_FLIGHT} run and {@link #nextRead()} plans one. */
  void pump() {
    ReadTask task;
    while (readsInFlight < READS_IN_FLIGHT && (task = nextRead()) != null) {
      readsInFlight++;
      io.read(task);
    }
  }

  /** Plans the next read task; null if nothing may be read now. */
  private ReadTask nextRead() {
    if (closing || share == null || outbound.backlog() >= MAX_OUTBOUND_CHUNKS) {
      return null;
    }
    PieceGeometry g = share.geometry();
    List<BlockRequest> batch = new ArrayList<>();
    while (!queue.isEmpty() && batch.size() < FileRun.BLOCKS_PER_READ) {
      BlockRequest r = queue.peek();
      if (!r.fits(g)) {
        queue.poll();
        counters.countRejected();
        send(new TransferMessage.Reject(r.piece(), r.offset(), TransferMessage.RejectReason.NOT_AVAILABLE));
        continue;
      }
      if (!bucket.tryTake(r.length())) {
        io.retryIn(bucket.timeUntil(r.length()));
        break;
      }
      batch.add(queue.poll());
    }
    return batch.isEmpty() ? null : new ReadTask(batch, share, proofs);
  }

  /** A read task finished: its blocks go to the stream as one write, and the next reads start. */
  void blocksRead(List<ReadTask.BlockRead> reads) {
    readsInFlight--;
    for (ReadTask.BlockRead read : reads) {
      serve(read);
    }
    flush(); // the whole batch as one write to the stream: its cells leave together
    pump();
  }

  private void serve(ReadTask.BlockRead read) {
    BlockRequest r = read.request();
    if (read.failure() != null) {
      log.warn("cannot serve block {}/{}: {}", r.piece(), r.offset(), read.failure().getMessage());
      counters.countRejected();
      enqueue(new TransferMessage.Reject(r.piece(), r.offset(), TransferMessage.RejectReason.NOT_AVAILABLE));
      return;
    }
    byte[] data = read.data();
    if (corruptBlocks) {
      data[data.length / 2] ^= 0x5a;
    }
    enqueue(TransferMessage.Block.of(r.piece(), r.offset(),
        read.proofs().proof(r.offset() / PieceGeometry.BLOCK_SIZE), data));
    counters.countServed(share.infoHashHex(), r.piece(), data.length);
  }

  private void refuse(TransferMessage.RefuseReason reason, int retryAfter) {
    counters.countRefused();
    send(new TransferMessage.Refuse(reason, retryAfter));
    end();
  }

  private void violation(String reason) {
    counters.countViolation();
    log.info("closing transfer stream {}: {}", id, reason);
    end();
  }

  private void send(TransferMessage m) {
    enqueue(m);
    flush();
  }

  /** Queues {@code m} without writing; the caller flushes. */
  private void enqueue(TransferMessage m) {
    outbound.add(m);
  }

  private void flush() {
    List<byte[]> chunks = outbound.drain();
    if (!chunks.isEmpty()) {
      io.write(chunks);
    }
    if (closing && !endSent && outbound.backlog() == 0) {
      endSent = true;
      io.endStream();
    }
  }

  /** Ends the stream once what is queued has been written. */
  private void end() {
    closing = true;
    queue.clear();
    flush();
  }

  /** The stream is gone: closes the share's files. */
  void close() {
    if (share != null) {
      share.close();
    }
  }
}
