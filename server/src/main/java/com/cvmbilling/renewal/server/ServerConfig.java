package com.cvmbilling.renewal.server;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Everything the server needs to start, already validated. */
public record ServerConfig(
    int port,
    DatabaseSettings database,
    List<String> adminKeys,
    boolean demo,
    Instant testClockStart,
    boolean testClock,
    Duration lifecycleInterval,
    Duration autoRenewLead,
    Duration retention,
    Duration idempotencyRetention,
    int metricsPort) {

  public static ServerConfig forTests(DatabaseSettings database, List<String> adminKeys) {
    return new ServerConfig(0, database, adminKeys, false, null, false,
        Duration.ofSeconds(60), Duration.ofHours(24), Duration.ofDays(7), Duration.ofHours(24), 0);
  }
}
