package io.shroud.swarm.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.swarm.serve.TransferServiceActor;
import org.junit.jupiter.api.Test;

class SwarmSettingsTest {

  /** A downloader that kept more requests in flight than a provider queues would lose its session. */
  @Test
  void pipelineMaxCannotExceedWhatAProviderQueues() {
    SwarmSettings d = SwarmSettings.defaults();
    int limit = TransferCodec.MAX_QUEUED_REQUESTS;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withPipeline(d, 4, limit + 1));
    assertTrue(e.getMessage().contains("exceeds the " + limit), e.getMessage());
    assertEquals(limit, withPipeline(d, 4, limit).pipelineMax());
  }

  private static SwarmSettings withPipeline(SwarmSettings d, int min, int max) {
    return new SwarmSettings(d.uploadBytesPerSecond(), d.uploadBurstBytes(), d.maxDownloaders(), min, max,
        d.maxStrikes(), d.announceInterval(), d.maxProvidersPerDownload(), d.defaultHops(),
        d.stallTimeout(), d.providerRelookup(), d.corruptBlocksForTesting());
  }
}
