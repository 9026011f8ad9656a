package com.cvmbilling.renewal.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.persistence.TransactionSettings;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A due instance whose account another writer holds for longer than the job's attempts (a lock wait
 * here; on Galera, another node's commits) is not a bad instance: it stays due and is done at the
 * same instant once the account is free, instead of being put off by the retry interval (which a
 * frozen test clock never reaches: GaleraLifecycleTest once came out one step short).
 */
@Tier.MariaDb
class HeldAccountLifecycleTest {
  private static final Instant NOW = Instant.parse("2027-03-10T04:00:00Z");

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anInstanceOfAHeldAccountIsDoneOnceTheAccountIsFreeNotPutOff() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb("held")) {
      DatabaseSettings base = db.settings();
      String url = base.url() + (base.url().contains("?") ? "&" : "?");
      // Lock waits end after 1 s instead of 50 s, and two attempts per transaction: the batch and
      // the one-by-one pass both give up while the account is held.
      DatabaseSettings settings =
          new DatabaseSettings(
              url + "sessionVariables=innodb_lock_wait_timeout=1",
              base.user(),
              base.password(),
              base.dataDir(),
              base.maxPoolSize());
      var config = LifecycleFixtures.config(settings);
      config.transactions(new TransactionSettings(Duration.ofSeconds(30), 2));
      try (TestServer server = new TestServer(config.build(), new TestClock(NOW))) {
        String held = server.createAccount(1_000_000, "UTC").accountId();
        String free = server.createAccount(1_000_000, "UTC").accountId();
        Instant expired = NOW.minus(Duration.ofHours(2));
        LifecycleFixtures.insertInstances(
            server,
            List.of(
                expiredManual(LifecycleFixtures.instanceId("h", 1), held, expired),
                expiredManual(LifecycleFixtures.instanceId("h", 2), free, expired)));
        DataSource ds = LifecycleFixtures.dataSource(server);

        CountDownLatch locked = new CountDownLatch(1);
        CompletableFuture<Void> holder =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement s =
                        c.prepareStatement(
                            "SELECT balance_fen FROM account WHERE account_id = ? FOR UPDATE")) {
                      s.setString(1, held);
                      s.executeQuery().close();
                    }
                    locked.countDown();
                    // Longer than the batch's two lock waits and the single pass's two.
                    Thread.sleep(7_000);
                    c.rollback();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

        int steps = LifecycleFixtures.lifecycle(server).runDue(NOW);
        holder.get(30, TimeUnit.SECONDS);

        assertThat(steps).as("both isolations, at the same instant").isEqualTo(2);
        assertThat(
                LifecycleFixtures.count(
                    ds,
                    "SELECT COUNT(*) FROM instance WHERE state = ? AND isolated_time_ms = ?",
                    InstanceState.ISOLATED.name(),
                    NOW.toEpochMilli()))
            .isEqualTo(2);
        assertThat(
                LifecycleFixtures.count(
                    ds,
                    "SELECT COUNT(*) FROM instance_event WHERE event_type = 'ISOLATED' AND instance_id = ?",
                    LifecycleFixtures.instanceId("h", 1)))
            .isEqualTo(1);
      }
    }
  }

  /** An instance whose account row is gone cannot be stepped: it is put off, and the run ends. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anInstanceWithoutItsAccountIsPutOffAndTheRunEnds() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb("held");
        TestServer server =
            new TestServer(LifecycleFixtures.config(db.settings()).build(), new TestClock(NOW))) {
      String free = server.createAccount(1_000_000, "UTC").accountId();
      Instant expired = NOW.minus(Duration.ofHours(2));
      LifecycleFixtures.insertInstances(
          server,
          List.of(
              expiredManual(LifecycleFixtures.instanceId("o", 1), "acc-gone0001", expired),
              expiredManual(LifecycleFixtures.instanceId("o", 2), free, expired)));
      DataSource ds = LifecycleFixtures.dataSource(server);

      int steps = LifecycleFixtures.lifecycle(server).runDue(NOW);

      assertThat(steps).isEqualTo(1);
      assertThat(
              LifecycleFixtures.count(
                  ds,
                  "SELECT COUNT(*) FROM instance WHERE instance_id = ? AND state = ?"
                      + " AND next_due_ms > ?",
                  LifecycleFixtures.instanceId("o", 1),
                  InstanceState.RUNNING.name(),
                  NOW.toEpochMilli()))
          .as("left as it was, put off")
          .isEqualTo(1);
    }
  }

  private static com.cvmbilling.renewal.server.domain.Instance expiredManual(
      String id, String accountId, Instant expiry) {
    return LifecycleFixtures.prepaid(
        id,
        accountId,
        InstanceState.RUNNING,
        expiry,
        expiry.atZone(java.time.ZoneOffset.UTC).getDayOfMonth(),
        null,
        RenewFlag.NOTIFY_AND_MANUAL_RENEW,
        NOW.minus(Duration.ofDays(40)));
  }
}
