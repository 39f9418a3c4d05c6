package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FetchCommandTest {

  @Test
  void theProgressLineShowsPercentRateEtaAndLiveSources() throws Exception {
    var view = new ObjectMapper().readTree("""
        {"state":"DOWNLOADING","bytesDone":25000000,"bytesTotal":100000000,"rate":5000000,
         "sources":[{"banned":false},{"banned":true},{"banned":false}]}""");
    String line = FetchCommand.progressLine(view);
    assertTrue(line.startsWith("[########......................]  25.0%"), line);
    assertTrue(line.contains("5.00 MB/s"), line);
    assertTrue(line.contains("ETA 0:15"), line);
    assertTrue(line.contains("sources 2"), line);
    assertTrue(line.contains("downloading"), line);
  }

  @Test
  void durationsReadLikeAClock() {
    assertEquals("0:05", FetchCommand.formatDuration(5));
    assertEquals("2:03", FetchCommand.formatDuration(123));
    assertEquals("1:00:01", FetchCommand.formatDuration(3601));
  }

  @Test
  void anUnknownRateHasNoEta() throws Exception {
    var view = new ObjectMapper().readTree("{\"state\":\"FINDING_PROVIDERS\",\"bytesDone\":0,\"bytesTotal\":0,\"rate\":0}");
    assertTrue(FetchCommand.progressLine(view).contains("ETA --:--"));
  }
}
