package io.shroud.it;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of every node's log when a multi-JVM test fails. Register it with
 * {@code @RegisterExtension} and a supplier of the test's network.
 */
public final class NodeLogsOnFailure implements TestWatcher {
  private final Supplier<LocalNetwork> network;

  public NodeLogsOnFailure(Supplier<LocalNetwork> network) {
    this.network = network;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    LocalNetwork net = network.get();
    if (net != null) {
      System.err.println("[" + context.getDisplayName() + " failed] node logs:" + net.logTails(80));
    }
  }
}
