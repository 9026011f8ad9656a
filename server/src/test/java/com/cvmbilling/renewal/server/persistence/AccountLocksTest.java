package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A lock on a Galera node must be a write, or a node's lock would not stop another node's locker:
 * there {@link AccountStore} bumps the row's lock version; on a single server it only locks.
 */
class AccountLocksTest extends RepositoryTestBase {

  private long lockVersion(String accountId) {
    return rawLong("SELECT lock_version FROM account WHERE account_id = ?", accountId);
  }

  @Test
  void onGaleraEveryLockWritesTheLockedRows() {
    insertAccount("acc-1", 100);
    insertAccount("acc-2", 100);
    insertAccount("acc-3", 100);
    AccountStore galera = new AccountStore(mapper(AccountMapper.class), DatabaseServer.GALERA);

    inTx(() -> galera.lock("acc-1"));
    inTx(() -> galera.lockAll(List.of("acc-2", "acc-1", "acc-9")));

    assertThat(lockVersion("acc-1")).isEqualTo(2);
    assertThat(lockVersion("acc-2")).isEqualTo(1);
    assertThat(lockVersion("acc-3")).isZero();
  }

  @Test
  void onASingleServerALockWritesNothing() {
    insertAccount("acc-1", 100);
    AccountStore single = new AccountStore(mapper(AccountMapper.class), DatabaseServer.SINGLE);

    inTx(() -> single.lock("acc-1"));
    inTx(() -> single.lockAll(List.of("acc-1")));

    assertThat(lockVersion("acc-1")).isZero();
  }
}
