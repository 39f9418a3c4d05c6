package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UiAndCompletionTest {

  @Test
  void uiPrintsTheDashboardWithTheTokenInTheFragmentAndWarns() {
    FakeNode.Result r = FakeNode.shroud("ui", "--url", "http://127.1.0.1:8558/", "--token", FakeNode.TOKEN);
    assertEquals(0, r.code(), r.err());
    assertEquals("http://127.1.0.1:8558/ui/#token=" + FakeNode.TOKEN, r.out().strip());
    assertEquals(UiCommand.WARNING, r.err().strip());
    assertTrue(r.err().contains("whoever has this address controls the node"));
  }

  @Test
  void uiTakesTheTokenFromTheDataDirectoryLikeEveryCommand(@TempDir Path dataDir) throws Exception {
    Files.writeString(dataDir.resolve("control.token"), FakeNode.TOKEN + "\n");
    FakeNode.Result r = FakeNode.shroud("ui", "--url", "http://127.0.0.1:8558", "--data-dir", dataDir.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("http://127.0.0.1:8558/ui/#token=" + FakeNode.TOKEN, r.out().strip());
  }

  @Test
  void uiWithoutATokenSaysWhereToGetOne(@TempDir Path emptyDataDir) {
    assumeTrue(System.getenv(ManagementOptions.TOKEN_ENV) == null, "SHROUD_TOKEN is set here");
    FakeNode.Result r = FakeNode.shroud("ui", "--data-dir", emptyDataDir.toString());
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("shroud: no token found: pass --token"), r.err());
  }

  @Test
  void aConfiguredTokenIsPercentEncodedInTheFragment() {
    assertEquals("a%20b%2Bc%23d%26e~f", UiCommand.fragmentEncode("a b+c#d&e~f"));
    assertEquals(FakeNode.TOKEN, UiCommand.fragmentEncode(FakeNode.TOKEN));
  }

  @Test
  void completionPrintsABashScriptThatKnowsEverySubcommand() {
    FakeNode.Result r = FakeNode.shroud("completion");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out().substring(0, 40));
    assertTrue(r.out().contains("complete -F _complete_shroud"), "registers itself for shroud");
    String commands = r.out().lines().filter(l -> l.strip().startsWith("local commands=")).findFirst().orElseThrow();
    for (String name : List.of("node", "status", "share", "shares", "fetch", "downloads", "pause", "resume", "cancel",
        "ui", "completion")) {
      assertTrue((" " + commands.replace("\"", " ") + " ").contains(" " + name + " "), name + " in " + commands);
    }
    assertTrue(r.out().contains("function _picocli_shroud_downloads()"), "completes the options of downloads");
  }
}
