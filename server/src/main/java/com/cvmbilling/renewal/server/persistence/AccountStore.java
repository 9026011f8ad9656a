package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code account} table: the one place accounts are created, looked up and locked. Only the
 * service's {@code Ledger} moves their balance ({@link #debit}, {@link #credit}). Runs in the
 * caller's transaction.
 */
@Singleton
public class AccountStore {
  private final AccountMapper accounts;
  private final JdbcBatches batches;

  /**
   * On Galera a {@code SELECT ... FOR UPDATE} locks the row on its own node only: two nodes would
   * both hold "the" lock. Bumping the row's lock version makes every locker write the row, so two
   * lockers on different nodes conflict at certification and one of them is re-run. Event ids of an
   * account then follow commit order there as well (see EventStreams).
   */
  private final boolean certifyLocks;

  @Inject
  AccountStore(AccountMapper accounts, JdbcBatches batches, DatabaseServer server) {
    this.accounts = accounts;
    this.batches = batches;
    this.certifyLocks = server.galera();
  }

  public void insert(Account account) {
    accounts.insert(account);
  }

  /** The account, or null. */
  public Account find(String accountId) {
    return accounts.find(accountId);
  }

  /** The account, or ACCOUNT_NOT_FOUND. */
  public Account require(String accountId) {
    Account account = accountId == null ? null : accounts.find(accountId);
    if (account == null) {
      throw notFound(accountId);
    }
    return account;
  }

  /** Locks the account row until the transaction ends and returns it, or ACCOUNT_NOT_FOUND. */
  public Account lock(String accountId) {
    Account account = accounts.findForUpdate(accountId);
    if (account == null) {
      throw notFound(accountId);
    }
    if (certifyLocks) {
      accounts.bumpLockVersion(List.of(accountId));
    }
    return account;
  }

  /** Locks the accounts in id order (so two lockers never deadlock) and returns those found. */
  public List<Account> lockAll(List<String> accountIds) {
    List<Account> locked = accounts.lockAll(accountIds);
    if (certifyLocks && !locked.isEmpty()) {
      accounts.bumpLockVersion(locked.stream().map(Account::accountId).toList());
    }
    return locked;
  }

  /** The balance, or null if there is no such account. */
  public Long balance(String accountId) {
    return accounts.balance(accountId);
  }

  /** Debits only if the balance covers it (guarded in SQL); false if it does not. */
  public boolean debit(String accountId, long amountFen) {
    return accounts.debit(accountId, amountFen) == 1;
  }

  /**
   * The same guarded debit for several accounts, sent as one JDBC batch; returns the accounts whose
   * balance did not cover theirs (left unchanged).
   */
  public List<String> debitAll(Map<String, Long> amountFenByAccount) {
    if (amountFenByAccount.isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, Long>> debits = List.copyOf(amountFenByAccount.entrySet());
    int[] changed =
        batches.run(
            AccountMapper.class, m -> debits.forEach(d -> m.debit(d.getKey(), d.getValue())));
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < debits.size(); i++) {
      // A rewritten batch may report SUCCESS_NO_INFO (-2) for each row it changed.
      if (changed[i] == 0) {
        refused.add(debits.get(i).getKey());
      }
    }
    return refused;
  }

  /** Credits the account; ACCOUNT_NOT_FOUND if there is none. */
  public void credit(String accountId, long amountFen) {
    if (accounts.credit(accountId, amountFen) != 1) {
      throw notFound(accountId);
    }
  }

  public static ApiException notFound(String accountId) {
    return ApiException.of(
            ErrorReason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist")
        .meta("accountId", accountId)
        .build();
  }
}
