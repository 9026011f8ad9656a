package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.Money;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.BillingRecordStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Moves money and records it: the only writer of account balances, billing records and auto-renew
 * charges. Must run inside a transaction: a debit and its records commit together or not at all.
 * Also takes the account row locks that order each account's writers.
 */
@Singleton
public class Ledger {
  private final AccountStore accounts;
  private final BillingRecordStore records;

  @Inject
  public Ledger(AccountStore accounts, BillingRecordStore records) {
    this.accounts = accounts;
    this.records = records;
  }

  /**
   * Debits the account, guarded in SQL so the balance can never go below zero whatever runs
   * concurrently. Returns the balance after the debit.
   */
  public long debit(String accountId, long amountFen) {
    if (amountFen < 0) {
      throw new IllegalArgumentException("negative debit");
    }
    if (!accounts.debit(accountId, amountFen)) {
      Long balance = accounts.balance(accountId);
      throw ApiException.of(
              ErrorReason.INSUFFICIENT_BALANCE, "the account balance does not cover the charge")
          .meta("required", Money.format(amountFen))
          .meta("balance", Money.format(balance == null ? 0 : balance))
          .build();
    }
    return accounts.balance(accountId);
  }

  /** Debits if the balance covers it; returns the balance after, or null if it did not. */
  public Long tryDebit(String accountId, long amountFen) {
    if (amountFen < 0) {
      throw new IllegalArgumentException("negative debit");
    }
    return accounts.debit(accountId, amountFen) ? accounts.balance(accountId) : null;
  }

  /**
   * Locks the account row until the transaction ends. Every transaction that writes events for an
   * account holds this lock first, so one account's events commit in event_id order: a WatchEvents
   * reader that has seen id N can never later find a smaller id appear.
   */
  public void lockAccount(String accountId) {
    accounts.lock(accountId);
  }

  /** Locks several accounts (in id order) and returns those found. */
  public List<Account> lockAccounts(List<String> accountIds) {
    return accounts.lockAll(accountIds);
  }

  public long credit(String accountId, long amountFen) {
    accounts.credit(accountId, amountFen);
    return accounts.balance(accountId);
  }

  public void record(
      String accountId,
      String orderId,
      BillingRecordType type,
      long signedAmountFen,
      long balanceAfterFen,
      Collection<String> instanceIds,
      Instant at) {
    records.insert(
        new BillingRecord(
            0,
            accountId,
            orderId,
            type,
            signedAmountFen,
            balanceAfterFen,
            String.join(",", instanceIds),
            at));
  }

  /**
   * Marks this expiry cycle of the instance as auto-renewed by {@code orderId}. The database
   * refuses a second charge for the same cycle (duplicate key): the caller's whole transaction,
   * debit included, then rolls back.
   */
  public void recordAutoRenewCharge(
      String instanceId, Instant oldExpiredTime, String orderId, Instant at) {
    records.insertAutoRenewCharge(instanceId, oldExpiredTime, orderId, at);
  }
}
