package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 64 concurrent callers against a real server process on MariaDB: a few hot accounts, 30% of the
 * calls sent again with the same client token (many while the first is still in flight), 10% that
 * must fail for insufficient balance, and top-ups; then the invariant checker proves, for every
 * account, instance and token, that nothing was lost or charged twice.
 */
@Tier.Fault
@Tier.Process
@Tier.Network
@Tier.MariaDb
class ExactlyOnceUnderLoadTest {
  private static final Logger log = LoggerFactory.getLogger(ExactlyOnceUnderLoadTest.class);

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void hotAccountsRepeatedTokensAndRefusedCallsKeepEveryLedgerExact() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        ServerProcess server =
            ServerProcess.start(
                "faults-load",
                FaultProfile.serverJvmArgs(),
                FaultProfile.serverArgs(db.settings().url()),
                FaultProfile.env())) {
      FaultWorkload workload = new FaultWorkload(FaultProfile.ADMIN_KEY, FaultProfile.shape());
      long t0;
      FaultClient client =
          new FaultClient(
              List.of(server.port()), Duration.ofSeconds(10), FaultProfile.giveUpAfter());
      try (client) {
        workload.setUp(client.channel(0), 1);
        t0 = System.nanoTime();
        workload.run(client, List.of(), FaultProfile.loadTimeout());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      log.info(
          "{} sendings of {} logical calls in {} s; retries {}",
          workload.sendings.size(),
          workload.calls.size(),
          String.format("%.1f", seconds),
          client.retries());

      // The server retries a deadlock up to 10 times; one that still reaches the client means two
      // writers lock in different orders (as top-ups and renewals once did). A call cut short by a
      // crash leaves no idempotency record behind (the record commits with the work), so its retry
      // never has to wait for a lease.
      assertThat(client.retries())
          .as("retries")
          .doesNotContainKeys("ABORTED/CONCURRENT_MODIFICATION", "ABORTED/REQUEST_IN_PROGRESS");
      InvariantChecker checker =
          new InvariantChecker(
              db.settings().url(), TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
      InvariantChecker.Summary summary = checker.check(workload);
      log.info("invariants: {}", summary);
      assertThat(checker.problems()).as("invariant violations").isEmpty();
      assertThat(summary.insufficient())
          .as("refused calls")
          .isGreaterThan(workload.calls.size() / 20);
      assertThat(summary.succeeded() + summary.insufficient()).isEqualTo(workload.calls.size());
      // Nothing is left half-done: no marker of a call in progress.
      try (Connection c =
              DriverManager.getConnection(
                  db.settings().url(),
                  TestDatabases.mariaDbUser(),
                  TestDatabases.mariaDbPassword());
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT COUNT(*) FROM idempotency_record WHERE state = 'IN_PROGRESS'")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
      assertThat(server.output()).doesNotContain("OutOfMemoryError");
    }
  }
}
