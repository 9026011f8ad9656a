package com.cvmbilling.renewal.server.config;

import java.time.Instant;
import picocli.CommandLine.Option;

/**
 * Which clock the server runs on.
 *
 * @param testClock run on a {@code TestClock} that only TestClockService moves (and serve it)
 * @param testClockStart the test clock's first instant; null = now
 */
public record ClockSettings(boolean testClock, Instant testClockStart) {
  public static final ClockSettings REAL = new ClockSettings(false, null);

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--test-clock",
        arity = "0..1",
        fallbackValue = "now",
        paramLabel = "INSTANT",
        description =
            "Run on a test clock that only TestClockService.AdvanceTime moves, starting at INSTANT "
                + "(ISO-8601, default: now). Never in production.")
    String testClock;

    ClockSettings settings(Problems p) {
      if (testClock == null) {
        return REAL;
      }
      if ("now".equals(testClock)) {
        return new ClockSettings(true, null);
      }
      try {
        return new ClockSettings(true, Instant.parse(testClock));
      } catch (RuntimeException e) {
        p.add(
            "--test-clock",
            "takes an ISO-8601 instant such as 2027-01-31T00:00:00Z, got '"
                + Problems.shorten(testClock)
                + "'");
        return REAL;
      }
    }
  }
}
