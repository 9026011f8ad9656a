package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.Money;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountMapper;
import com.cvmbilling.renewal.server.persistence.BillingRecordMapper;
import com.cvmbilling.renewal.server.persistence.EventMapper;
import com.cvmbilling.renewal.server.persistence.InstanceMapper;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The money and history writes every operation shares. Must run inside a transaction: the debit,
 * its ledger rows, the instance updates and the events commit together or not at all.
 */
@Singleton
public class Ledger {
  private final AccountMapper accounts;
  private final BillingRecordMapper records;
  private final EventMapper events;
  private final InstanceMapper instances;

  @Inject
  public Ledger(
      AccountMapper accounts,
      BillingRecordMapper records,
      EventMapper events,
      InstanceMapper instances) {
    this.accounts = accounts;
    this.records = records;
    this.events = events;
    this.instances = instances;
  }

  /**
   * Debits the account, guarded in SQL so the balance can never go below zero whatever runs
   * concurrently. Returns the balance after the debit.
   */
  public long debit(String accountId, long amountFen) {
    if (amountFen < 0) {
      throw new IllegalArgumentException("negative debit");
    }
    if (accounts.debit(accountId, amountFen) != 1) {
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
    return accounts.debit(accountId, amountFen) == 1 ? accounts.balance(accountId) : null;
  }

  /**
   * Locks the account row until the transaction ends. Every transaction that writes events for an
   * account holds this lock first, so one account's events commit in event_id order: a WatchEvents
   * reader that has seen id N can never later find a smaller id appear.
   */
  public void lockAccount(String accountId) {
    if (accounts.findForUpdate(accountId) == null) {
      throw accountNotFound(accountId);
    }
  }

  public long credit(String accountId, long amountFen) {
    if (accounts.credit(accountId, amountFen) != 1) {
      throw accountNotFound(accountId);
    }
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

  public void event(Instance instance, EventType type, String orderId, Instant at) {
    reminder(instance, type, 0, orderId, at);
  }

  public void reminder(
      Instance instance, EventType type, int daysBefore, String orderId, Instant at) {
    events.insert(
        new Event(
            0,
            instance.accountId(),
            type,
            instance.instanceId(),
            at,
            instance.expiredTime(),
            daysBefore,
            orderId));
  }

  /**
   * Stores renewed instances (their rows locked by this transaction) with one event each. One
   * instance: its UPDATE and INSERT. Several: one UPDATE and one multi-row INSERT for all of them,
   * instead of two statements per instance (a 100-instance renewal took 200 round trips for these).
   */
  public void saveRenewals(List<Instance> renewed, EventType type, String orderId, Instant at) {
    if (renewed.size() == 1) {
      save(renewed.get(0));
      event(renewed.get(0), type, orderId, at);
      return;
    }
    if (instances.renewAll(renewed) != renewed.size()) {
      List<String> ids = renewed.stream().map(Instance::instanceId).toList();
      throw ApiException.of(
              ErrorReason.CONCURRENT_MODIFICATION,
              "instances changed concurrently; retry the request")
          .meta("instanceIds", ids)
          .build();
    }
    events.insertAll(
        renewed.stream()
            .map(
                i ->
                    new Event(
                        0, i.accountId(), type, i.instanceId(), at, i.expiredTime(), 0, orderId))
            .toList());
  }

  /** Stores a changed instance; its row was locked by this transaction. */
  public void save(Instance instance) {
    if (instances.update(instance) != 1) {
      throw ApiException.of(
              ErrorReason.CONCURRENT_MODIFICATION,
              "instance " + instance.instanceId() + " changed concurrently; retry the request")
          .meta("instanceIds", List.of(instance.instanceId()))
          .build();
    }
  }

  static ApiException accountNotFound(String accountId) {
    return ApiException.of(
            ErrorReason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist")
        .meta("accountId", accountId)
        .build();
  }
}
