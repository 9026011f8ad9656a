package com.cvmbilling.renewal.server.config;

import picocli.CommandLine.Option;

/**
 * Log output.
 *
 * @param format text, or one JSON object per line
 * @param level the root logger's level
 */
public record LogSettings(Format format, Level level) {
  public enum Format {
    TEXT,
    JSON
  }

  public enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--log-format",
        defaultValue = "text",
        paramLabel = "text|json",
        description =
            "Log lines as text or as one JSON object per line. Default: ${DEFAULT-VALUE}.")
    Format logFormat;

    @Option(
        names = "--log-level",
        defaultValue = "info",
        paramLabel = "LEVEL",
        description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
    Level logLevel;

    LogSettings settings(Problems p) {
      return new LogSettings(logFormat, logLevel);
    }
  }
}
