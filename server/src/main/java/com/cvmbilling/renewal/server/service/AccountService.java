package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.BillingRecordStore;
import com.cvmbilling.renewal.server.persistence.EventStore;
import com.cvmbilling.renewal.server.persistence.InstanceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.IdGenerator;
import com.cvmbilling.renewal.server.support.PageTokens;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** Accounts, balances and their history. */
@Singleton
public class AccountService {
  /** Upper bound of a single top-up or initial balance: 10^12 fen, far from overflow. */
  static final long MAX_CREDIT_FEN = 1_000_000_000_000L;

  public record CreatedAccount(Account account, String apiKey) {}

  private final Transactions tx;
  private final AccountStore accounts;
  private final BillingRecordStore records;
  private final EventStore events;
  private final InstanceStore instances;
  private final Ledger ledger;
  private final ApiKeyService apiKeys;
  private final IdGenerator ids;
  private final Clock clock;

  @Inject
  public AccountService(
      Transactions tx,
      AccountStore accounts,
      BillingRecordStore records,
      EventStore events,
      InstanceStore instances,
      Ledger ledger,
      ApiKeyService apiKeys,
      IdGenerator ids,
      Clock clock) {
    this.tx = tx;
    this.accounts = accounts;
    this.records = records;
    this.events = events;
    this.instances = instances;
    this.ledger = ledger;
    this.apiKeys = apiKeys;
    this.ids = ids;
    this.clock = clock;
  }

  public Account describe(String accountId) {
    return tx.inTransaction(() -> require(accountId));
  }

  public Page<BillingRecord> billingRecords(String accountId, int pageSize, String pageToken) {
    int limit = PageTokens.pageSize(pageSize);
    String fingerprint = PageTokens.fingerprint("billing", accountId);
    long before = PageTokens.decodeLong(pageToken, fingerprint);
    List<BillingRecord> rows =
        tx.inTransaction(() -> records.page(accountId, before < 0 ? null : before, limit + 1));
    if (rows.size() <= limit) {
      return new Page<>(rows, "");
    }
    List<BillingRecord> page = List.copyOf(rows.subList(0, limit));
    return new Page<>(
        page, PageTokens.encode(Long.toString(page.get(limit - 1).recordId()), fingerprint));
  }

  public List<Event> events(String accountId, long afterEventId, int pageSize) {
    if (afterEventId < 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_EVENT_ID, "after_event_id", "after_event_id must not be negative");
    }
    int limit = PageTokens.pageSize(pageSize);
    return tx.inTransaction(() -> events.after(accountId, afterEventId, limit));
  }

  public CreatedAccount create(String displayName, String timeZone, long initialBalanceFen) {
    return create(ids.accountId(), displayName, timeZone, initialBalanceFen);
  }

  /** With a chosen id (demo mode); the account must not exist yet. */
  public CreatedAccount create(
      String accountId, String displayName, String timeZone, long initialBalanceFen) {
    String name = displayName == null ? "" : displayName.strip();
    if (name.isEmpty() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badField(
          ErrorReason.INVALID_DISPLAY_NAME,
          "display_name",
          "display_name must be 1 to 200 printable characters");
    }
    ZoneId zone = RequestRules.parseTimeZone(timeZone);
    requireCreditAmount(initialBalanceFen, true, "initial_balance");
    return tx.inTransaction(
        () -> {
          Instant now = clock.instant();
          Account account = new Account(accountId, name, 0, zone.getId(), now);
          accounts.insert(account);
          long balance = 0;
          if (initialBalanceFen > 0) {
            balance = ledger.credit(accountId, initialBalanceFen);
            ledger.record(
                accountId,
                ids.orderId(),
                BillingRecordType.TOP_UP,
                initialBalanceFen,
                balance,
                List.of(),
                now);
          }
          String key = apiKeys.issueTenantKey(accountId);
          return new CreatedAccount(new Account(accountId, name, balance, zone.getId(), now), key);
        });
  }

  public Account topUp(String accountId, long amountFen) {
    requireCreditAmount(amountFen, false, "amount");
    return tx.inTransaction(
        () -> {
          require(accountId);
          Instant now = clock.instant();
          // Auto-renewals that were waiting for money are retried at the next run, not an interval
          // later.
          // First, before the account row: every writer locks instances before the account (a
          // renewal
          // holding an instance and waiting for the account would otherwise deadlock with this).
          instances.markAutoRenewDue(accountId);
          long balance = ledger.credit(accountId, amountFen);
          ledger.record(
              accountId,
              ids.orderId(),
              BillingRecordType.TOP_UP,
              amountFen,
              balance,
              List.of(),
              now);
          return accounts.find(accountId);
        });
  }

  Account require(String accountId) {
    return accounts.require(accountId);
  }

  private static void requireCreditAmount(long fen, boolean zeroAllowed, String field) {
    if (fen < 0 || (!zeroAllowed && fen == 0) || fen > MAX_CREDIT_FEN) {
      throw ApiException.of(
              ErrorReason.INVALID_AMOUNT,
              field
                  + " must be "
                  + (zeroAllowed ? "at least 0" : "more than 0")
                  + " and at most 10000000000.00 CNY")
          .field(field, "out of range")
          .build();
    }
  }
}
