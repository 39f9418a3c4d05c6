package io.shroud.cli;

import io.shroud.node.SettingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shroud} command. */
@Command(
    name = "shroud",
    mixinStandardHelpOptions = true,
    versionProvider = ShroudCommand.Version.class,
    description = "Anonymous, encrypted peer-to-peer file sharing.",
    subcommands = {NodeCommand.class, StatusCommand.class, DevnetCommand.class,
        ShareCommand.class, SharesCommand.class, FetchCommand.class, DemoCommand.class})
public final class ShroudCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line; bad settings become one line on stderr and exit code 2. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new ShroudCommand());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof SettingsException || e instanceof UserError) {
        commandLine.getErr().println("shroud: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cl.execute(args);
  }

  /** A mistake of the person at the keyboard: printed as one line, exit code 2. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShroudCommand.class.getPackage().getImplementationVersion();
      return new String[] {"shroud " + (v == null ? "dev" : v)};
    }
  }
}
