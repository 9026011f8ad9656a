package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same load against two server replicas on one MariaDB database; one replica is killed with
 * SIGKILL when a third of the load is done. Callers fail over to the other replica and resend with
 * the same client token, so every logical call completes exactly once: the invariants hold, the
 * calls that were in flight on the dead replica included.
 */
@Tier.Fault
@Tier.Process
@Tier.Network
@Tier.MariaDb
class ReplicaKilledMidLoadTest {
  private static final Logger log = LoggerFactory.getLogger(ReplicaKilledMidLoadTest.class);

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void everyLogicalCallCompletesExactlyOnceWhenAReplicaIsKilled() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        ServerProcess first =
            ServerProcess.start(
                "faults-replica-a",
                FaultProfile.serverJvmArgs(),
                FaultProfile.serverArgs(db.settings().url()),
                FaultProfile.env());
        ServerProcess second =
            ServerProcess.start(
                "faults-replica-b",
                FaultProfile.serverJvmArgs(),
                FaultProfile.serverArgs(db.settings().url()),
                FaultProfile.env())) {
      FaultWorkload workload = new FaultWorkload(FaultProfile.ADMIN_KEY, FaultProfile.shape());
      AtomicLong killedAt = new AtomicLong();
      FaultClient client =
          new FaultClient(
              List.of(first.port(), second.port()),
              Duration.ofSeconds(10),
              FaultProfile.giveUpAfter());
      try (client) {
        workload.setUp(client.channel(1), 2);
        workload.run(
            client,
            List.of(
                new FaultWorkload.Trigger(
                    0.35,
                    () -> {
                      try {
                        first.kill();
                        killedAt.set(System.nanoTime());
                        log.info("replica a (pid {}) killed with SIGKILL", first.pid());
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    })),
            FaultProfile.loadTimeout());
      }
      assertThat(first.isAlive()).isFalse();
      List<FaultClient.Attempt> attempts = client.attempts();
      long okOnAbeforeKill =
          attempts.stream()
              .filter(a -> a.endpoint() == 0 && a.ok() && a.endNanos() < killedAt.get())
              .count();
      long failedOver =
          attempts.stream()
              .filter(a -> a.endpoint() == 0 && a.outcome().startsWith("UNAVAILABLE"))
              .count();
      long okOnBafterKill =
          attempts.stream()
              .filter(a -> a.endpoint() == 1 && a.ok() && a.startNanos() > killedAt.get())
              .count();
      log.info(
          "replica a served {} calls before the kill; {} attempts on it failed UNAVAILABLE and failed over;"
              + " replica b served {} after; retries {}",
          okOnAbeforeKill,
          failedOver,
          okOnBafterKill,
          client.retries());
      assertThat(okOnAbeforeKill).as("the killed replica was serving").isPositive();
      assertThat(failedOver).as("calls failed over").isPositive();
      assertThat(okOnBafterKill).as("the survivor served the rest").isPositive();
      assertThat(
              attempts.stream()
                  .filter(a -> a.endpoint() == 0 && a.ok() && a.startNanos() > killedAt.get()))
          .as("nothing answered from the dead replica")
          .isEmpty();

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
      assertThat(summary.succeeded() + summary.insufficient()).isEqualTo(workload.calls.size());
      assertThat(second.output()).doesNotContain("OutOfMemoryError");
    }
  }
}
