package com.cvmbilling.renewal.server.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every writer locks instance rows before the account row (DESIGN, "Lock order"). A top-up also
 * marks the account's auto-renew instances due, and it used to credit the account first: a renewal
 * holding an instance and waiting for the account deadlocked with a top-up holding the account and
 * waiting for the instance (found by the fault-injection suite as ABORTED/CONCURRENT_MODIFICATION
 * after the server's retries). Here a transaction holds an instance the way a renewal does, a
 * top-up starts, and the "renewal" then debits the account: it must not wait for the top-up, and
 * both must complete.
 */
@Tier.MariaDb
class TopUpLockOrderTest {

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aTopUpWaitsForTheInstancesBeforeItLocksTheAccount() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb();
        TestServer server = new TestServer(db.settings())) {
      TestAccount account = server.createAccount(1_000_000);
      Instance instance =
          server
              .admin()
              .createInstances(
                  CreateInstancesRequest.newBuilder()
                      .setAccountId(account.accountId())
                      .setInstanceType("S5.SMALL2")
                      .setChargeType(Instance.ChargeType.PREPAID)
                      .setBandwidthMbps(1)
                      .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                      .setCount(1)
                      .setExpiredTime(TestServer.timestamp(Instant.now().plus(Duration.ofDays(40))))
                      .build())
              .getInstances(0);

      try (Connection renewal =
          DriverManager.getConnection(
              db.settings().url(), TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword())) {
        renewal.setAutoCommit(false);
        renewal.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try (Statement s = renewal.createStatement()) {
          s.execute("SET SESSION innodb_lock_wait_timeout = 20");
        }
        try (PreparedStatement lock =
            renewal.prepareStatement(
                "SELECT instance_id FROM instance WHERE account_id = ? AND instance_id IN (?)"
                    + " ORDER BY instance_id FOR UPDATE")) {
          lock.setString(1, account.accountId());
          lock.setString(2, instance.getInstanceId());
          lock.executeQuery().close();
        }

        CompletableFuture<Long> topUp =
            CompletableFuture.supplyAsync(
                () ->
                    TestServer.fen(
                        server
                            .admin()
                            .withDeadlineAfter(60, TimeUnit.SECONDS)
                            .topUpBalance(
                                TopUpBalanceRequest.newBuilder()
                                    .setAccountId(account.accountId())
                                    .setAmount(TestServer.money(500))
                                    .setClientToken("lock-order")
                                    .build())
                            .getAccount()
                            .getBalance()));
        Thread.sleep(1_000); // the top-up is now waiting for the instance row
        assertThat(topUp).isNotDone();

        long t0 = System.nanoTime();
        try (PreparedStatement debit =
            renewal.prepareStatement(
                "UPDATE account SET balance_fen = balance_fen - ? WHERE account_id = ? AND balance_fen >= ?")) {
          debit.setLong(1, 100);
          debit.setString(2, account.accountId());
          debit.setLong(3, 100);
          assertThat(debit.executeUpdate()).isEqualTo(1);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("the debit did not wait for the top-up")
            .isLessThan(Duration.ofSeconds(5));
        renewal.commit();

        assertThat(topUp.get(60, TimeUnit.SECONDS)).isEqualTo(1_000_000 - 100 + 500);
      }
    }
  }
}
