package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.content.InfoDict;
import io.shroud.content.ShareLink;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The phase a run reports while it has sources and after every piece is verified. */
class DownloadRunPhaseTest {
  /** Records what the run asks for; does nothing. */
  private static final class RecordingIo implements DownloadIo {
    final List<String> calls = new ArrayList<>();

    @Override public void connect(NodeId provider, long epoch) { calls.add("connect"); }
    @Override public void send(NodeId provider, long epoch, TransferMessage message) { calls.add("send"); }
    @Override public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) { calls.add("sendAll"); }
    @Override public void close(NodeId provider, long epoch) { calls.add("close"); }
    @Override public void deliver(int piece, NodeId source, TransferMessage.Block block) { calls.add("deliver"); }
    @Override public void layerVerified(byte[] pieceLayer) { calls.add("layer"); }
    @Override public void retryLater() { calls.add("retry"); }
    @Override public void findProviders() { calls.add("find"); }
    @Override public void log(String message) { }
  }

  @Test
  void aRunWhoseOutputIsBeingProducedSaysFinishingNotPaused() {
    ShareFixture share = new ShareFixture(9, 3 * 65536, 65536);
    ShareLink link = ShareLink.forPublic(new InfoDict("f.bin", share.geometry, share.tree.root(), null));
    DownloadState state = new DownloadState().apply(new DownloadEvent.DownloadStarted(
        "d1", link.infoHashHex(), "/tmp/out.bin", 1, Instant.EPOCH));
    RecordingIo io = new RecordingIo();
    DownloadRun run = new DownloadRun(io, link, state, SwarmSettings.defaults(),
        NodeId.ofIdentityKey(new byte[] {1}), Clock.systemUTC(), new SplittableRandom(1), new NodeMetrics());
    run.finishing();
    assertEquals(DownloadPhase.FINISHING, run.phase());
    assertEquals("FINISHING", DownloadView.of("d1", state, run, null).state());
    run.stopAll(); // a pause still says so
    assertEquals(DownloadPhase.PAUSED, run.phase());
  }
}
