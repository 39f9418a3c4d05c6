package io.shroud.node;

/**
 * A configuration value the node cannot run with. Its message is one line naming the setting
 * and what is wrong; {@code shroud node} prints it and exits without a stack trace.
 */
public final class SettingsException extends RuntimeException {
  public SettingsException(String setting, String problem) {
    super(setting + ": " + problem);
  }
}
