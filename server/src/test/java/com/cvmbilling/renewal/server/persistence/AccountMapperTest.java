package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class AccountMapperTest extends RepositoryTestBase {

  @Test
  void insertThenFindReturnsEqualAccount() {
    Account a =
        new Account(
            "acc-1",
            "Zhang San 张三",
            123_456L,
            "America/New_York",
            java.time.Instant.parse("2027-01-31T15:59:59.123Z"));
    inTx(() -> mapper(AccountMapper.class).insert(a));

    assertThat(inTx(() -> mapper(AccountMapper.class).find("acc-1"))).isEqualTo(a);
    assertThat(inTx(() -> mapper(AccountMapper.class).balance("acc-1"))).isEqualTo(123_456L);
  }

  @Test
  void unknownAccountIsNull() {
    insertAccount("acc-1", 1);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.find("acc-2"))).isNull();
    assertThat(inTx(() -> accounts.findForUpdate("acc-2"))).isNull();
    assertThat(inTx(() -> accounts.balance("acc-2"))).isNull();
  }

  @Test
  void debitMoreThanBalanceChangesNothing() {
    insertAccount("acc-1", 10_000);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.debit("acc-1", 10_001))).isZero();
    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(10_000L);
  }

  @Test
  void debitOfExactBalanceLeavesZero() {
    insertAccount("acc-1", 10_000);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.debit("acc-1", 2_500))).isEqualTo(1);
    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(7_500L);
    assertThat(inTx(() -> accounts.debit("acc-1", 7_500))).isEqualTo(1);
    assertThat(inTx(() -> accounts.balance("acc-1"))).isZero();
    assertThat(inTx(() -> accounts.debit("acc-1", 1))).isZero();
    assertThat(inTx(() -> accounts.find("acc-1")).balanceFen()).isZero();
  }

  @Test
  void debitOnlyTouchesTheNamedAccount() {
    insertAccount("acc-1", 10_000);
    insertAccount("acc-2", 10_000);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.debit("acc-1", 4_000))).isEqualTo(1);
    assertThat(inTx(() -> accounts.debit("acc-9", 1))).isZero();

    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(6_000L);
    assertThat(inTx(() -> accounts.balance("acc-2"))).isEqualTo(10_000L);
  }

  @Test
  void creditAddsToTheBalance() {
    insertAccount("acc-1", 0);
    insertAccount("acc-2", 0);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.credit("acc-1", 5_000))).isEqualTo(1);
    assertThat(inTx(() -> accounts.credit("acc-1", 1))).isEqualTo(1);
    assertThat(inTx(() -> accounts.credit("acc-9", 1))).isZero();

    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(5_001L);
    assertThat(inTx(() -> accounts.balance("acc-2"))).isZero();
  }

  @Test
  void largeBalancesAreExact() {
    long big = 9_000_000_000_000_000L;
    insertAccount("acc-1", big);
    AccountMapper accounts = mapper(AccountMapper.class);

    assertThat(inTx(() -> accounts.credit("acc-1", 7))).isEqualTo(1);
    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(big + 7);
  }

  @Test
  void findForUpdateReadsAndLocksTheRow() throws SQLException {
    Account a = insertAccount("acc-1", 10_000);
    AccountMapper accounts = mapper(AccountMapper.class);

    inTx(
        () -> {
          assertThat(accounts.findForUpdate("acc-1")).isEqualTo(a);
          // Another connection cannot change the locked row while this transaction is open.
          // It times out with an error that Transactions retries (and otherwise reports as
          // CONCURRENT_MODIFICATION), on H2 as on MariaDB.
          assertThatThrownBy(() -> updateFromOtherConnection("acc-1"))
              .isInstanceOf(SQLException.class)
              .matches(Transactions::isRetryableConflict, "is a retryable conflict");
          // ... but this transaction can.
          assertThat(accounts.debit("acc-1", 1_000)).isEqualTo(1);
        });

    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(9_000L);
    // Once committed, the lock is gone.
    assertThat(updateFromOtherConnection("acc-1")).isEqualTo(1);
    assertThat(inTx(() -> accounts.balance("acc-1"))).isEqualTo(9_001L);
  }

  /** Adds 1 fen over a separate connection that gives up on a row lock after about a second. */
  private int updateFromOtherConnection(String accountId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(
            kind == Kind.H2 ? "SET LOCK_TIMEOUT 500" : "SET SESSION innodb_lock_wait_timeout = 1");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE account SET balance_fen = balance_fen + 1 WHERE account_id = ?")) {
        ps.setString(1, accountId);
        int n = ps.executeUpdate();
        c.commit();
        return n;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
