package io.shroud.content;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real BitTorrent tools Debian packages as processes: libtorrent 2.0.8 through
 * {@code src/test/resources/interop/libtorrent_driver.py} under {@code /usr/bin/python3},
 * {@code transmission-show} and {@code aria2c}. A missing tool fails the test, naming the package
 * that {@code .ci/run} installs: these tests never skip.
 */
final class RealTools {
  static final Path PYTHON = Path.of("/usr/bin/python3");
  static final Path DRIVER = Path.of("src/test/resources/interop/libtorrent_driver.py");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RealTools() {}

  /** What a process printed and how it ended. */
  record Run(int exit, String out, String err) {}

  static Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    var out = p.getInputStream();
    var err = p.getErrorStream();
    StringBuilder errText = new StringBuilder();
    Thread drain = new Thread(() -> {
      try {
        errText.append(new String(err.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process ended
      }
    });
    drain.start();
    String outText = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not end within " + timeoutSeconds + " s");
    }
    drain.join(5000);
    return new Run(p.exitValue(), outText, errText.toString());
  }

  /** Fails, naming the Debian package, unless {@code tool} is an executable on this machine. */
  static void require(String tool, String debianPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    fail(tool + " is missing: install Debian's " + debianPackage + " (.ci/run installs it)");
  }

  /** Fails unless /usr/bin/python3 can import libtorrent. */
  static void requireLibtorrent() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      fail("/usr/bin/python3 is missing: install Debian's python3-libtorrent (.ci/run installs it)");
    }
    Run r = run(List.of(PYTHON.toString(), "-c", "import libtorrent; print(libtorrent.__version__)"), 30);
    if (r.exit() != 0) {
      fail("libtorrent cannot be imported by /usr/bin/python3: install Debian's python3-libtorrent"
          + " (.ci/run installs it): " + r.err());
    }
  }

  /** Runs one driver command; its JSON answer (which may hold "error"). */
  static JsonNode libtorrent(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), DRIVER.toString()));
    command.addAll(List.of(args));
    Run r = run(command, 60);
    if (r.out().isBlank()) {
      fail("the libtorrent driver printed nothing (exit " + r.exit() + "): " + r.err());
    }
    return JSON.readTree(r.out());
  }
}
