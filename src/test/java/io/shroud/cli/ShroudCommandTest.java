package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShroudCommandTest {

  @Test
  void aBadSettingStopsTheNodeWithOneLineAndNoStackTrace() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = ShroudCommand.execute("node", "--data-port", "70000");
    } finally {
      System.setErr(original);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, code);
    assertEquals("shroud: shroud.data-port: must be a port number 1-65535, got 70000", text.strip());
  }

  @Test
  void statusAgainstANodeThatIsNotThereSaysSoInOneLine() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = ShroudCommand.execute("status", "--url", "http://127.0.0.1:1");
    } finally {
      System.setErr(original);
    }
    assertEquals(2, code);
    String text = err.toString(StandardCharsets.UTF_8).strip();
    assertTrue(text.startsWith("shroud: cannot reach http://127.0.0.1:1/shroud/v1/node"), text);
    assertEquals(-1, text.indexOf('\n'));
  }
}
