package io.shroud.cli;

import io.shroud.node.SettingsException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shroud} command. */
@Command(
    name = "shroud",
    mixinStandardHelpOptions = true,
    versionProvider = ShroudCommand.Version.class,
    description = "Anonymous, encrypted peer-to-peer file sharing.",
    subcommands = {NodeCommand.class, StatusCommand.class, DevnetCommand.class,
        ShareCommand.class, SharesCommand.class, FetchCommand.class, DownloadsCommand.class,
        DownloadActionCommand.Pause.class, DownloadActionCommand.Resume.class, DownloadActionCommand.Cancel.class,
        UiCommand.class, DemoCommand.class, NetworkCommand.class, IdentityCommand.class,
        ShroudCommand.Completion.class})
public final class ShroudCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    // On a machine with two cores or fewer the common fork-join pool gets one thread, and then
    // CompletableFuture's default executor starts a new thread for every async callback (Pekko's
    // CompletionStages run their non-async callbacks there too). Two pooled threads instead.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    System.exit(execute(args));
  }

  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  /** Runs the command line; bad settings become one line on stderr and exit code 2. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The command line {@link #execute} runs; tests give it their own out and err. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ShroudCommand());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof SettingsException || e instanceof UserError) {
        commandLine.getErr().println("shroud: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl;
  }

  /** A mistake of the person at the keyboard: printed as one line, exit code 2. */
  static class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }
  }

  /** {@code shroud completion}: picocli's bash completion script, which zsh loads too. */
  @Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = {"Print a bash/zsh completion script for shroud.", "Load it with: source <(shroud completion)"})
  static final class Completion extends AutoComplete.GenerateCompletion {}

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShroudCommand.class.getPackage().getImplementationVersion();
      return new String[] {"shroud " + (v == null ? "dev" : v)};
    }
  }
}
