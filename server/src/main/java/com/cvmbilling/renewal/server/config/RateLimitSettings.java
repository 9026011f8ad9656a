package com.cvmbilling.renewal.server.config;

import picocli.CommandLine.Option;

/**
 * Per-account call rate limit (in this process's memory: per replica).
 *
 * @param callsPerSecond sustained calls per second per account (per admin key); 0 = no limit
 * @param burst calls an idle account may make at once
 */
public record RateLimitSettings(long callsPerSecond, long burst) {
  public static final RateLimitSettings OFF = new RateLimitSettings(0, 0);

  public boolean enabled() {
    return callsPerSecond > 0;
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--rate-limit",
        defaultValue = "50",
        paramLabel = "PER_SECOND",
        description =
            "Calls per second per account (per admin key), in this replica; 0 = no limit. Default: ${DEFAULT-VALUE}.")
    long rateLimit;

    @Option(
        names = "--rate-limit-burst",
        defaultValue = "100",
        paramLabel = "N",
        description =
            "Calls an idle account may make at once before --rate-limit applies. Default: ${DEFAULT-VALUE}.")
    long rateLimitBurst;

    RateLimitSettings settings(Problems p) {
      if (rateLimit < 0) {
        p.add("--rate-limit", "must be 0 (no limit) or more, got " + rateLimit);
      }
      p.atLeast("--rate-limit-burst", rateLimitBurst, 1);
      return rateLimit == 0 ? OFF : new RateLimitSettings(rateLimit, rateLimitBurst);
    }
  }
}
