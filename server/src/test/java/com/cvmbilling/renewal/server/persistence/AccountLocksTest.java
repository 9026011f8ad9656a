package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A lock on a Galera node must be a write, or a node's lock would not stop another node's locker:
 * there {@link AccountStore} bumps the row's lock version; on a single server it only locks. And
 * the lifecycle's batched debits keep each debit's balance guard.
 */
class AccountLocksTest extends RepositoryTestBase {

  private long lockVersion(String accountId) {
    return rawLong("SELECT lock_version FROM account WHERE account_id = ?", accountId);
  }

  private AccountStore store(DatabaseServer server) {
    return new AccountStore(
        mapper(AccountMapper.class), injector.getInstance(JdbcBatches.class), server);
  }

  @Test
  void onGaleraEveryLockWritesTheLockedRows() {
    insertAccount("acc-1", 100);
    insertAccount("acc-2", 100);
    insertAccount("acc-3", 100);
    AccountStore galera = store(DatabaseServer.GALERA);

    inTx(() -> galera.lock("acc-1"));
    inTx(() -> galera.lockAll(List.of("acc-2", "acc-1", "acc-9")));

    assertThat(lockVersion("acc-1")).isEqualTo(2);
    assertThat(lockVersion("acc-2")).isEqualTo(1);
    assertThat(lockVersion("acc-3")).isZero();
  }

  @Test
  void onASingleServerALockWritesNothing() {
    insertAccount("acc-1", 100);
    AccountStore single = store(DatabaseServer.SINGLE);

    inTx(() -> single.lock("acc-1"));
    inTx(() -> single.lockAll(List.of("acc-1")));

    assertThat(lockVersion("acc-1")).isZero();
  }

  /** The lifecycle batch's debits: one JDBC batch, each still guarded by the balance. */
  @Test
  void debitAllDebitsWhatEachBalanceCoversAndReportsTheRest() {
    insertAccount("acc-1", 100);
    insertAccount("acc-2", 100);
    insertAccount("acc-3", 100);
    AccountStore single = store(DatabaseServer.SINGLE);

    Map<String, Long> debits = new LinkedHashMap<>();
    debits.put("acc-1", 40L);
    debits.put("acc-2", 101L);
    debits.put("acc-3", 100L);
    assertThat(inTx(() -> single.debitAll(debits))).containsExactly("acc-2");

    assertThat(rawLong("SELECT balance_fen FROM account WHERE account_id = ?", "acc-1"))
        .isEqualTo(60);
    assertThat(rawLong("SELECT balance_fen FROM account WHERE account_id = ?", "acc-2"))
        .isEqualTo(100);
    assertThat(rawLong("SELECT balance_fen FROM account WHERE account_id = ?", "acc-3")).isZero();
  }
}
