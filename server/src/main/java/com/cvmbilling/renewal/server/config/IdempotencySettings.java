package com.cvmbilling.renewal.server.config;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How long idempotency keys live.
 *
 * @param retention a stored response is replayed for this long after its call
 * @param inProgressLease a request whose IN_PROGRESS marker is older than this is taken to have
 *     died with its process, and a retry may run it again
 * @param purgeInterval how often expired keys are removed
 */
public record IdempotencySettings(
    Duration retention, Duration inProgressLease, Duration purgeInterval) {

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--idempotency-retention",
        defaultValue = "24h",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "How long a client_token's response is kept and replayed. Default: ${DEFAULT-VALUE}.")
    Duration retention;

    @Option(
        names = "--idempotency-lease",
        defaultValue = "2m",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "A call still marked in progress after this is taken to have died with its replica; its "
                + "retry runs it again (until then: REQUEST_IN_PROGRESS). Default: ${DEFAULT-VALUE}.")
    Duration inProgressLease;

    @Option(
        names = "--idempotency-purge-interval",
        defaultValue = "10m",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "How often expired client_tokens are removed. Default: ${DEFAULT-VALUE}.")
    Duration purgeInterval;

    IdempotencySettings settings(Problems p) {
      p.positive("--idempotency-retention", retention);
      p.positive("--idempotency-lease", inProgressLease);
      if (inProgressLease.compareTo(retention) > 0) {
        p.add("--idempotency-lease", "must not exceed --idempotency-retention");
      }
      p.positive("--idempotency-purge-interval", purgeInterval);
      return new IdempotencySettings(retention, inProgressLease, purgeInterval);
    }
  }
}
