package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Account;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code account} table's SQL; only {@link AccountStore} uses it. */
public interface AccountMapper {
  void insert(Account account);

  Account find(@Param("accountId") String accountId);

  /** Reads and locks the account row until the transaction ends. */
  Account findForUpdate(@Param("accountId") String accountId);

  /** Locks the accounts in id order and returns them. */
  List<Account> lockAll(@Param("accountIds") List<String> accountIds);

  /** Writes the locked rows (Galera: makes the lock a certified write; see AccountStore). */
  int bumpLockVersion(@Param("accountIds") List<String> accountIds);

  /**
   * Debits only if the balance covers it; the guard is in the UPDATE itself, so concurrent debits
   * can never take the balance below zero. Returns the rows changed (0 = not enough).
   */
  int debit(@Param("accountId") String accountId, @Param("amountFen") long amountFen);

  int credit(@Param("accountId") String accountId, @Param("amountFen") long amountFen);

  Long balance(@Param("accountId") String accountId);
}
