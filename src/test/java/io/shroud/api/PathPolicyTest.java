package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathPolicyTest {
  @TempDir
  Path tmp;

  Path shared;
  Path downloads;
  Path outside;
  Path dataDir;
  PathPolicy policy;

  @BeforeEach
  void roots() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    shared = Files.createDirectories(home.resolve("shared"));
    downloads = Files.createDirectories(home.resolve("downloads"));
    outside = Files.createDirectories(tmp.resolve("elsewhere"));
    dataDir = Files.createDirectories(home.resolve(".shroud"));
    Files.createDirectories(dataDir.resolve("keys"));
    Files.writeString(dataDir.resolve("keys/identity.key"), "secret");
    Files.writeString(shared.resolve("movie.bin"), "movie");
    Files.writeString(outside.resolve("passwd"), "root");
    // a node whose roots are its owner's home: the data directory is inside them
    policy = new PathPolicy(List.of(home), List.of(home), dataDir);
  }

  private static PathPolicy.Refused refused(PathPolicy.Decision d, int status, String part) {
    PathPolicy.Refused r = assertInstanceOf(PathPolicy.Refused.class, d, String.valueOf(d));
    assertEquals(status, r.status());
    assertTrue(r.reason().contains(part), r.reason());
    return r;
  }

  @Test
  void aFileUnderAShareRootIsAllowedByItsRealPath() throws Exception {
    PathPolicy.Allowed a = assertInstanceOf(PathPolicy.Allowed.class, policy.share(shared.resolve("movie.bin").toString()));
    assertEquals(shared.resolve("movie.bin").toRealPath(), a.path());
  }

  @Test
  void theNodesKeyFileIsNeverShareableEvenUnderARoot() {
    refused(policy.share(dataDir.resolve("keys/identity.key").toString()), 403, "data directory");
    refused(policy.share(dataDir.toString()), 403, "data directory");
  }

  @Test
  void aFolderHoldingTheDataDirectoryIsNeverShareableButOneBesideItIs() throws Exception {
    refused(policy.share(dataDir.getParent().toString()), 403, "holds the node's data directory");
    refused(policy.share(dataDir.getParent().resolve("shared/..").toString()), 403, "holds the node's data directory");
    PathPolicy.Allowed a = assertInstanceOf(PathPolicy.Allowed.class, policy.share(shared.toString()));
    assertEquals(shared.toRealPath(), a.path());
  }

  @Test
  void aFileOutsideEveryShareRootIsRefused() {
    refused(policy.share(outside.resolve("passwd").toString()), 403, "outside shroud.management.share-roots");
    // even when it does not exist: no probing outside the roots
    refused(policy.share(outside.resolve("nothing").toString()), 403, "outside");
  }

  @Test
  void dotDotCannotLeaveARoot() {
    refused(policy.share(shared + "/../../elsewhere/passwd"), 403, "outside");
    refused(policy.share(shared + "/../.shroud/keys/identity.key"), 403, "data directory");
    refused(policy.output(downloads + "/../../elsewhere/out.bin"), 403, "outside shroud.management.download-roots");
  }

  @Test
  void aSymbolicLinkCannotLeaveARoot() throws Exception {
    Path toPasswd = Files.createSymbolicLink(shared.resolve("innocent.bin"), outside.resolve("passwd"));
    refused(policy.share(toPasswd.toString()), 403, "outside");
    Path toKeys = Files.createSymbolicLink(shared.resolve("keys"), dataDir.resolve("keys"));
    refused(policy.share(toKeys.resolve("identity.key").toString()), 403, "data directory");
    Path toElsewhere = Files.createSymbolicLink(downloads.resolve("out"), outside);
    refused(policy.output(toElsewhere.resolve("x.bin").toString()), 403, "outside");
    Path intoData = Files.createSymbolicLink(downloads.resolve("data"), dataDir);
    refused(policy.output(intoData.resolve("journal.mv.db").toString()), 403, "data directory");
  }

  @Test
  void anOutputThatIsASymbolicLinkIsRefused() throws Exception {
    Path link = Files.createSymbolicLink(downloads.resolve("out.bin"), outside.resolve("new-file"));
    refused(policy.output(link.toString()), 403, "symbolic link");
  }

  @Test
  void outputsGoOnlyUnderDownloadRootsAndNeverIntoTheDataDirectory() throws Exception {
    PathPolicy.Allowed a = assertInstanceOf(PathPolicy.Allowed.class,
        policy.output(downloads.resolve("new/dir/out.bin").toString()));
    assertEquals(downloads.toRealPath().resolve("new/dir/out.bin"), a.path());
    refused(policy.output(outside.resolve("authorized_keys").toString()), 403, "outside");
    refused(policy.output(dataDir.resolve("keys/identity.key").toString()), 403, "data directory");
  }

  @Test
  void rootsAreSeparate() throws Exception {
    PathPolicy narrow = new PathPolicy(List.of(shared), List.of(downloads), dataDir);
    refused(narrow.output(shared.resolve("x.bin").toString()), 403, "outside shroud.management.download-roots");
    Files.writeString(downloads.resolve("got.bin"), "x");
    refused(narrow.share(downloads.resolve("got.bin").toString()), 403, "outside shroud.management.share-roots");
  }

  @Test
  void relativeAndEmptyPathsAreBadRequests() {
    refused(policy.share("movie.bin"), 400, "absolute");
    refused(policy.output(""), 400, "absolute");
    refused(policy.output("/"), 400, "name a file");
  }
}
