package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.CipherState;
import io.shroud.crypto.NoiseCipher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Fuzzes what a peer controls after TCP: chunk boundaries, handshake frame lengths, and record
 * bytes handed to {@link LinkCipher#open}. Only {@link ProtocolViolationException} may get out,
 * and every frame handed out has a legal size. Seeds:
 * {@code src/test/resources/io/shroud/wire/LinkFrameDecoderFuzzTestInputs/<method>/}.
 */
class LinkFrameDecoderFuzzTest {
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  @FuzzTest(maxDuration = "2s")
  void chunksFramesAndRecords(FuzzedDataProvider data) {
    LinkFrameDecoder decoder = new LinkFrameDecoder(16 * 1024);
    CipherState receive = new CipherState(NoiseCipher.AES_GCM);
    receive.initializeKey(new byte[32]);
    CipherState send = new CipherState(NoiseCipher.AES_GCM);
    send.initializeKey(new byte[32]);
    LinkCipher cipher = new LinkCipher(send, receive, new RekeyPolicy(2, java.time.Duration.ofDays(1)), CLOCK);
    int handshakeFrames = data.consumeInt(0, 3);
    int seen = 0;
    try {
      if (handshakeFrames == 0) {
        decoder.switchToRecords();
      }
      while (data.remainingBytes() > 0) {
        byte[] chunk = data.consumeBytes(data.consumeInt(0, 9000));
        decoder.feed(chunk);
        for (byte[] frame = decoder.next(); frame != null; frame = decoder.next()) {
          if (decoder.isRecordMode()) {
            assertEquals(CellFormat.RECORD_BYTES, frame.length);
            cipher.open(frame);
          } else {
            assertTrue(frame.length >= 1 && frame.length <= CellFormat.HANDSHAKE_MESSAGE_MAX_BYTES);
            if (++seen == handshakeFrames) {
              decoder.switchToRecords();
            }
          }
        }
        assertTrue(decoder.buffered() <= 16 * 1024);
      }
    } catch (ProtocolViolationException expected) {
      // the only way out for bad input
    }
  }
}
