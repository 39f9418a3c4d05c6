package io.shroud.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real libtorrent 2.0.8 (Debian's python3-libtorrent) for multi-JVM tests, through the same
 * driver the unit-level interop tests use ({@code src/test/resources/interop/libtorrent_driver.py}
 * under {@code /usr/bin/python3}). A missing python3 or libtorrent fails the test, naming the
 * package {@code .ci/run} installs: never a skip.
 */
final class LibtorrentDriver {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path DRIVER = Path.of("src/test/resources/interop/libtorrent_driver.py");
  private static final ObjectMapper JSON = new ObjectMapper();

  private LibtorrentDriver() {}

  /** Runs one driver command and returns its JSON answer, failing on an {@code error} answer. */
  static JsonNode run(String... args) throws Exception {
    assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: install Debian's python3-libtorrent");
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), DRIVER.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return "";
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not end within 60 s");
    }
    String errText = err.get(5, TimeUnit.SECONDS);
    assertFalse(out.isBlank(), "the libtorrent driver printed nothing (exit " + p.exitValue() + "; is Debian's"
        + " python3-libtorrent installed? .ci/run installs it): " + errText);
    JsonNode answer = JSON.readTree(out);
    assertFalse(answer.hasNonNull("error"), command + ": " + answer);
    return answer;
  }
}
