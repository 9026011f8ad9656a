package com.cvmbilling.renewal.server.config;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * WatchEvents streams.
 *
 * @param pollInterval how often open streams look for new events
 */
public record EventStreamSettings(Duration pollInterval) {

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--events-poll-interval",
        defaultValue = "250ms",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "How often WatchEvents streams look for new events. Default: ${DEFAULT-VALUE}.")
    Duration eventsPollInterval;

    EventStreamSettings settings(Problems p) {
      p.positive("--events-poll-interval", eventsPollInterval);
      return new EventStreamSettings(eventsPollInterval);
    }
  }
}
