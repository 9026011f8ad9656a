package com.cvmbilling.renewal.server.config;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The price catalog's timing across replicas (DESIGN "Price catalog").
 *
 * @param refreshInterval how often a replica checks the database for new catalog versions (by its
 *     clock, the test clock when enabled)
 * @param changeLeadTime the least time between writing a catalog version and its effective time;
 *     longer than {@code refreshInterval}, so that every replica has read a change before it takes
 *     effect
 */
public record PriceSettings(Duration refreshInterval, Duration changeLeadTime) {

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    static final String REFRESH_INTERVAL = "--price-refresh-interval";
    static final String CHANGE_LEAD_TIME = "--price-change-lead-time";

    @Option(
        names = REFRESH_INTERVAL,
        defaultValue = "10s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "How often a replica checks the database for a new price catalog version (one small"
                + " query). Default: ${DEFAULT-VALUE}.")
    Duration refreshInterval;

    @Option(
        names = CHANGE_LEAD_TIME,
        defaultValue = "30s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "SetPriceCatalog's effective_time must be at least this far ahead; must be longer than"
                + " --price-refresh-interval (with a margin for commit time and clock differences"
                + " between replicas), so that every replica has read a change before it takes"
                + " effect. Default: ${DEFAULT-VALUE}.")
    Duration changeLeadTime;

    PriceSettings settings(Problems p) {
      p.positive(REFRESH_INTERVAL, refreshInterval);
      p.positive(CHANGE_LEAD_TIME, changeLeadTime);
      // Only between two valid values: a zero or negative one was reported above.
      if (refreshInterval.compareTo(Duration.ZERO) > 0
          && changeLeadTime.compareTo(Duration.ZERO) > 0
          && changeLeadTime.compareTo(refreshInterval) <= 0) {
        p.add(
            CHANGE_LEAD_TIME,
            "must be longer than "
                + REFRESH_INTERVAL
                + " ("
                + DurationConverter.format(refreshInterval)
                + "), got "
                + DurationConverter.format(changeLeadTime)
                + ": a replica could still price with the old catalog after a change's"
                + " effective time",
            REFRESH_INTERVAL);
      }
      return new PriceSettings(refreshInterval, changeLeadTime);
    }
  }
}
