package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.Money;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.AutoRenewCharge;
import com.cvmbilling.renewal.server.persistence.BillingRecordStore;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
   * Starts a batch of auto-renew charges against accounts this transaction has locked ({@link
   * #lockAccounts}), with the balances read under those locks.
   */
  public Batch batch(Collection<Account> locked) {
    return new Batch(locked);
  }

  /**
   * A lifecycle batch's money moves: each debit is decided against the locked balance as the batch
   * goes, and all are written when it ends: one guarded debit per account (one JDBC batch), the
   * auto-renew charges and the billing records in one multi-row INSERT each, instead of four
   * statements per charge. The guard stays in SQL and each charge stays unique per (instance, old
   * expiry) in the database: if either refuses, the whole transaction rolls back.
   */
  public final class Batch {
    private final Map<String, Long> balances = new HashMap<>();
    private final Map<String, Long> debits = new LinkedHashMap<>();
    private final List<AutoRenewCharge> charges = new ArrayList<>();
    private final List<BillingRecord> billed = new ArrayList<>();

    private Batch(Collection<Account> locked) {
      locked.forEach(a -> balances.put(a.accountId(), a.balanceFen()));
    }

    /** Debits if the balance covers it; returns the balance after, or null if it did not. */
    public Long tryDebit(String accountId, long amountFen) {
      if (amountFen < 0) {
        throw new IllegalArgumentException("negative debit");
      }
      Long balance = balances.get(accountId);
      if (balance == null) {
        throw new IllegalStateException("account " + accountId + " is not locked by this batch");
      }
      if (balance < amountFen) {
        return null;
      }
      balances.put(accountId, balance - amountFen);
      debits.merge(accountId, amountFen, Long::sum);
      return balance - amountFen;
    }

    /**
     * Records an auto-renewal debited with {@link #tryDebit}: its charge for this expiry cycle and
     * its billing record.
     */
    public void recordAutoRenew(
        String accountId,
        String instanceId,
        Instant oldExpiredTime,
        String orderId,
        long priceFen,
        long balanceAfterFen,
        Instant at) {
      charges.add(new AutoRenewCharge(instanceId, oldExpiredTime, orderId, at));
      billed.add(
          new BillingRecord(
              0,
              accountId,
              orderId,
              BillingRecordType.AUTO_RENEW,
              -priceFen,
              balanceAfterFen,
              instanceId,
              at));
    }

    /** Writes the batch (charges first: a cycle charged before fails the batch at once). */
    public void write() {
      records.insertAutoRenewCharges(charges);
      List<String> refused = accounts.debitAll(debits);
      if (!refused.isEmpty()) {
        throw new IllegalStateException(
            "locked balances changed under a lifecycle batch: " + refused);
      }
      records.insertAll(billed);
      charges.clear();
      debits.clear();
      billed.clear();
    }
  }
}
