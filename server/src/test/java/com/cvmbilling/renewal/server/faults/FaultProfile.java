package com.cvmbilling.renewal.server.faults;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Short (default, what CI runs) or long ({@code -Dfaults.long=true}) fault runs, both with the
 * production settings: a call cut short by a killed replica or a database outage leaves no
 * idempotency record behind, so no run needs a shortened in-progress lease.
 */
final class FaultProfile {
  static final boolean LONG = Boolean.getBoolean("faults.long");
  static final String ADMIN_KEY = "faults-admin-key";

  private FaultProfile() {}

  /** 64 callers; 3 hot accounts get 60% of the ordinary calls; 30% repeated; 10% must fail. */
  static FaultWorkload.Shape shape() {
    return new FaultWorkload.Shape(
        3, 30, 12, 20, 4, 10, LONG ? 20_000 : 2_500, 0.30, 0.10, 0.05, 0.60, 64);
  }

  /** How long one logical call may take to get a definite answer. */
  static Duration giveUpAfter() {
    return LONG ? Duration.ofMinutes(5) : Duration.ofMinutes(2);
  }

  static Duration loadTimeout() {
    return LONG ? Duration.ofMinutes(25) : Duration.ofMinutes(3);
  }

  static List<String> serverJvmArgs() {
    return List.of("-Xmx256m");
  }

  static List<String> serverArgs(String dbUrl) {
    // The per-account rate limit (default 50/s) would turn this deliberate overload into
    // RESOURCE_EXHAUSTED.
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                "0",
                "--db-url",
                dbUrl,
                "--admin-key",
                ADMIN_KEY,
                "--db-pool-size",
                "16",
                "--rate-limit",
                "0"));
    return args;
  }

  static Map<String, String> env() {
    return Map.of(
        "RENEWAL_DB_USER",
        TestDatabases.mariaDbUser(),
        "RENEWAL_DB_PASSWORD",
        TestDatabases.mariaDbPassword());
  }
}
