package com.cvmbilling.renewal.server.config;

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
}
