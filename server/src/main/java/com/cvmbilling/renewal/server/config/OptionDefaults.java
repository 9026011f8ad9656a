package com.cvmbilling.renewal.server.config;

import picocli.CommandLine;

/**
 * The defaults of an area's settings, read from its options' annotations (by parsing an empty
 * command line), so that a default is written only once: next to its flag.
 */
final class OptionDefaults {
  private OptionDefaults() {}

  static <T> T parsed(T options, String... flags) {
    new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(flags);
    return options;
  }
}
