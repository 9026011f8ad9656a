package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.count;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.query;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lifecycle replica dies (SIGKILL) in the middle of a large run: what it committed stays, what it
 * had in flight is rolled back, and another replica finishes the rest. Every instance is isolated
 * exactly once, and the auto-renewals among them are charged exactly once.
 */
@Tier.Fault
@Tier.Process
@Tier.Network
@Tier.MariaDb
class KilledRunnerTest {
  private static final Logger log = LoggerFactory.getLogger(KilledRunnerTest.class);
  static final int MANUAL = 20_000;
  static final int AUTO = 1_000;
  static final long PRICE = 6_000;

  @Test
  void aReplicaKilledMidRunLeavesNothingHalfDoneAndAnotherFinishesExactlyOnce() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        TestServer seed =
            new TestServer(
                LifecycleFixtures.config(db.settings()).build(),
                java.time.Clock.tickMillis(java.time.ZoneOffset.UTC))) {
      DataSource ds = LifecycleFixtures.dataSource(seed);
      ZoneId zone = ZoneId.of("Asia/Shanghai");
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      Instant expired = now.minus(Duration.ofHours(3));
      // 20 accounts; 20,000 manual instances expired 3 h ago, plus 1,000 auto-renewing ones that
      // can pay.
      List<TestAccount> accounts = new ArrayList<>();
      for (int a = 0; a < 20; a++) {
        accounts.add(seed.createAccount(AUTO / 20 * PRICE));
      }
      List<Instance> rows = new ArrayList<>();
      for (int n = 0; n < MANUAL + AUTO; n++) {
        boolean auto = n % 21 == 20;
        rows.add(
            LifecycleFixtures.prepaid(
                LifecycleFixtures.instanceId("k", n),
                accounts.get(n % 20).accountId(),
                InstanceState.RUNNING,
                expired,
                BillingCalendar.anchorDayOf(expired, zone),
                null,
                auto ? RenewFlag.NOTIFY_AND_AUTO_RENEW : RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                expired.minus(Duration.ofDays(30))));
      }
      assertThat(rows.stream().filter(r -> r.renewFlag() == RenewFlag.NOTIFY_AND_AUTO_RENEW))
          .hasSize(AUTO);
      LifecycleFixtures.insertInstances(seed, rows);

      String dbUrl = db.settings().url();
      long killedAt;
      try (ServerProcess runner =
          ServerProcess.start(
              "killed-runner",
              List.of(
                  "--port",
                  "0",
                  "--db-url",
                  dbUrl,
                  "--db-pool-size",
                  "4",
                  "--admin-key",
                  "killed-runner-admin",
                  "--lifecycle-interval",
                  "200ms",
                  "--lifecycle-batch-size",
                  "500"),
              Map.of(
                  "RENEWAL_DB_USER",
                  TestDatabases.mariaDbUser(),
                  "RENEWAL_DB_PASSWORD",
                  TestDatabases.mariaDbPassword()))) {
        // Without --test-clock there is no TestClockService.
        StatusRuntimeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    TestClockServiceGrpc.newBlockingStub(runner.channel())
                        .withInterceptors(
                            MetadataUtils.newAttachHeadersInterceptor(
                                TestServer.bearer("killed-runner-admin")))
                        .getTime(GetTimeRequest.getDefaultInstance()));
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long seen;
        do {
          seen = isolatedEvents(ds);
          if (seen >= 2_000) {
            break;
          }
          Thread.sleep(5);
        } while (System.nanoTime() < deadline);
        runner.kill();
        killedAt = seen;
        log.info("killed runner pid {} after seeing {} ISOLATED events", runner.pid(), seen);
      }
      assertThat(killedAt)
          .as("the runner was killed after it had started")
          .isGreaterThanOrEqualTo(2_000);
      Thread.sleep(
          500); // a COMMIT the server had already received when the client died lands first

      // What the dead runner left is consistent: every committed isolation has its event and vice
      // versa.
      long isolatedEventsAfterKill = isolatedEvents(ds);
      long isolatedInstancesAfterKill =
          count(ds, "SELECT COUNT(*) FROM instance WHERE state = 'ISOLATED'");
      assertThat(isolatedInstancesAfterKill).isEqualTo(isolatedEventsAfterKill);
      assertThat(isolatedEventsAfterKill).as("killed before it had finished").isLessThan(MANUAL);
      long renewedAfterKill =
          count(ds, "SELECT COUNT(*) FROM instance_event WHERE event_type = 'AUTO_RENEWED'");
      assertThat(count(ds, "SELECT COUNT(*) FROM auto_renew_charge")).isEqualTo(renewedAfterKill);
      assertThat(count(ds, "SELECT COUNT(*) FROM billing_record WHERE record_type = 'AUTO_RENEW'"))
          .isEqualTo(renewedAfterKill);
      log.info(
          "after the kill: {} isolated, {} auto-renewed",
          isolatedEventsAfterKill,
          renewedAfterKill);
      assertThat((isolatedEventsAfterKill + renewedAfterKill) % 500)
          .as("only whole batches of 500 committed")
          .isZero();

      // A second replica finishes. Rows the dead one held are free once MariaDB drops its
      // connection.
      LifecycleService second = LifecycleFixtures.lifecycle(seed);
      long finishDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long steps = 0;
      int runs = 0;
      while (remaining(ds) > 0 && System.nanoTime() < finishDeadline) {
        steps += second.runDue(Instant.now());
        runs++;
      }
      log.info("second replica: {} steps in {} runs", steps, runs);
      assertThat(remaining(ds)).isZero();
      assertThat(steps).isEqualTo(MANUAL - isolatedEventsAfterKill + AUTO - renewedAfterKill);

      // Every manual instance isolated exactly once, every auto one renewed and charged exactly
      // once.
      assertThat(count(ds, "SELECT COUNT(*) FROM instance WHERE state = 'ISOLATED'"))
          .isEqualTo(MANUAL);
      assertThat(
              query(
                  ds,
                  "SELECT instance_id, COUNT(*) FROM instance_event GROUP BY instance_id"
                      + " HAVING COUNT(*) <> 1",
                  rs -> rs.getString(1) + " x" + rs.getLong(2)))
          .isEmpty();
      assertThat(count(ds, "SELECT COUNT(*) FROM instance_event WHERE event_type = 'ISOLATED'"))
          .isEqualTo(MANUAL);
      assertThat(count(ds, "SELECT COUNT(*) FROM instance_event WHERE event_type = 'AUTO_RENEWED'"))
          .isEqualTo(AUTO);
      assertThat(count(ds, "SELECT COUNT(*) FROM instance_event")).isEqualTo(MANUAL + AUTO);
      assertThat(
              count(
                  ds,
                  "SELECT COUNT(*) FROM instance i JOIN instance_event e ON e.instance_id = i.instance_id"
                      + " WHERE e.event_type = 'ISOLATED' AND i.isolated_time_ms = e.occurred_time_ms"))
          .isEqualTo(MANUAL);
      assertThat(count(ds, "SELECT COUNT(*) FROM auto_renew_charge")).isEqualTo(AUTO);
      assertThat(count(ds, "SELECT COUNT(*) FROM billing_record WHERE record_type = 'AUTO_RENEW'"))
          .isEqualTo(AUTO);
      assertThat(count(ds, "SELECT COUNT(*) FROM account WHERE balance_fen <> 0")).isZero();
    }
  }

  static long isolatedEvents(DataSource ds) {
    return count(ds, "SELECT COUNT(*) FROM instance_event WHERE event_type = 'ISOLATED'");
  }

  /** Instances still waiting for their expiry step. */
  static long remaining(DataSource ds) {
    return count(
        ds,
        "SELECT COUNT(*) FROM instance WHERE state = 'RUNNING' AND expired_time_ms <= ?",
        Instant.now().toEpochMilli());
  }
}
