package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.EventType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceRules;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.Money;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RenewalPlan;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.domain.UnifiedExpiryPlan;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.EventStore;
import com.cvmbilling.renewal.server.persistence.InstanceQuery;
import com.cvmbilling.renewal.server.persistence.InstanceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.IdGenerator;
import com.cvmbilling.renewal.server.support.PageTokens;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tenant operations on instances. Each validates the whole request before touching the
 * database, then runs in one transaction that locks the instances (in id order) before it debits
 * the account, so batches never deadlock each other and the balance is never read-then- written
 * from a stale value.
 */
@Singleton
public class InstanceService {

  /** How far a pricing call goes: all three run the same code up to their stopping point. */
  public enum Mode {
    /** Price only. */
    INQUIRY,
    /** Price and check everything the real call would, including the balance; change nothing. */
    DRY_RUN,
    EXECUTE
  }

  public record RenewalResult(String orderId, RenewalPlan plan, long balanceFen) {}

  public record UnifiedExpiryResult(String orderId, UnifiedExpiryPlan plan, long balanceFen) {}

  private final Transactions tx;
  private final AccountStore accounts;
  private final InstanceStore instances;
  private final EventStore events;
  private final PriceService prices;
  private final Ledger ledger;
  private final IdGenerator ids;
  private final Clock clock;

  @Inject
  public InstanceService(
      Transactions tx,
      AccountStore accounts,
      InstanceStore instances,
      EventStore events,
      PriceService prices,
      Ledger ledger,
      IdGenerator ids,
      Clock clock) {
    this.tx = tx;
    this.accounts = accounts;
    this.instances = instances;
    this.events = events;
    this.prices = prices;
    this.ledger = ledger;
    this.ids = ids;
    this.clock = clock;
  }

  public RenewalResult renew(
      String accountId, List<String> instanceIds, int months, Integer bandwidthMbps, Mode mode) {
    RequestRules.validateInstanceIds(instanceIds);
    RequestRules.validateRenewalPeriod(months);
    if (bandwidthMbps != null) {
      RequestRules.validateBandwidth(bandwidthMbps);
    }
    return tx.inTransaction(
        () -> {
          Account account = account(accountId);
          List<Instance> found = load(accountId, instanceIds, mode == Mode.EXECUTE);
          Instant now = clock.instant();
          RenewalPlan plan =
              RenewalPlan.of(
                  found, prices.catalogAt(now), account.zone(), months, bandwidthMbps, now);
          if (mode != Mode.EXECUTE) {
            if (mode == Mode.DRY_RUN) {
              requireBalance(account, plan.chargeFen());
            }
            return new RenewalResult("", plan, account.balanceFen());
          }
          String orderId = ids.orderId();
          long balanceAfter = ledger.debit(accountId, plan.chargeFen());
          List<String> renewedIds = found.stream().map(Instance::instanceId).toList();
          long renewFen = plan.renewalTotal().discountFen();
          long upgradeFen = plan.bandwidthUpgradeTotalFen();
          ledger.record(
              accountId,
              orderId,
              BillingRecordType.RENEW,
              -renewFen,
              balanceAfter + upgradeFen,
              renewedIds,
              now);
          if (upgradeFen > 0) {
            List<String> upgradedIds =
                plan.lines().stream()
                    .filter(l -> l.bandwidthUpgradeFen() > 0)
                    .map(l -> l.before().instanceId())
                    .toList();
            ledger.record(
                accountId,
                orderId,
                BillingRecordType.BANDWIDTH_UPGRADE,
                -upgradeFen,
                balanceAfter,
                upgradedIds,
                now);
          }
          List<Instance> renewed = plan.lines().stream().map(RenewalPlan.Line::after).toList();
          instances.saveRenewals(renewed);
          events.events(renewed, EventType.RENEWED, orderId, now);
          return new RenewalResult(orderId, plan, balanceAfter);
        });
  }

  public UnifiedExpiryResult alignExpiry(
      String accountId, List<String> instanceIds, int expiryDay, Mode mode) {
    RequestRules.validateInstanceIds(instanceIds);
    RequestRules.validateExpiryDay(expiryDay);
    return tx.inTransaction(
        () -> {
          Account account = account(accountId);
          List<Instance> found = load(accountId, instanceIds, mode == Mode.EXECUTE);
          Instant now = clock.instant();
          UnifiedExpiryPlan plan =
              UnifiedExpiryPlan.of(found, prices.catalogAt(now), account.zone(), expiryDay);
          if (mode != Mode.EXECUTE) {
            if (mode == Mode.DRY_RUN) {
              requireBalance(account, plan.totalFen());
            }
            return new UnifiedExpiryResult("", plan, account.balanceFen());
          }
          String orderId = "";
          ledger.lockAccount(accountId);
          long balance = accounts.balance(accountId);
          if (plan.totalFen() > 0) {
            orderId = ids.orderId();
            balance = ledger.debit(accountId, plan.totalFen());
            List<String> charged =
                plan.lines().stream()
                    .filter(l -> l.priceFen() > 0)
                    .map(l -> l.before().instanceId())
                    .toList();
            ledger.record(
                accountId,
                orderId,
                BillingRecordType.UNIFIED_EXPIRY,
                -plan.totalFen(),
                balance,
                charged,
                now);
          }
          for (UnifiedExpiryPlan.Line line : plan.lines()) {
            if (line.changed()) {
              instances.save(line.after());
              events.event(
                  line.after(), EventType.EXPIRY_ALIGNED, orderId.isEmpty() ? null : orderId, now);
            }
          }
          return new UnifiedExpiryResult(orderId, plan, balance);
        });
  }

  /**
   * @param periodMonths 0 keeps each instance's current auto-renew period
   */
  public List<Instance> setAutoRenew(
      String accountId, List<String> instanceIds, RenewFlag flag, int periodMonths) {
    RequestRules.validateInstanceIds(instanceIds);
    if (flag == null) {
      throw ApiException.badField(
          ErrorReason.INVALID_RENEW_FLAG,
          "renew_flag",
          "renew_flag must be NOTIFY_AND_MANUAL_RENEW, NOTIFY_AND_AUTO_RENEW or DISABLE_NOTIFY_AND_MANUAL_RENEW");
    }
    RequestRules.validateAutoRenewPeriod(periodMonths);
    return tx.inTransaction(
        () -> {
          account(accountId);
          List<Instance> found = load(accountId, instanceIds, true);
          InstanceRules.requireAutoRenewConfigurable(found);
          ledger.lockAccount(accountId);
          Instant now = clock.instant();
          List<Instance> result = new ArrayList<>(found.size());
          for (Instance i : found) {
            int period = periodMonths == 0 ? i.autoRenewPeriodMonths() : periodMonths;
            if (i.renewFlag() == flag && i.autoRenewPeriodMonths() == period) {
              result.add(i);
              continue;
            }
            Instance changed = i.change().renewFlag(flag).autoRenewPeriodMonths(period).build();
            instances.save(changed);
            events.event(changed, EventType.RENEW_FLAG_CHANGED, null, now);
            result.add(changed);
          }
          return inRequestOrder(instanceIds, result);
        });
  }

  public List<Instance> terminate(String accountId, List<String> instanceIds) {
    RequestRules.validateInstanceIds(instanceIds);
    return tx.inTransaction(
        () -> {
          account(accountId);
          List<Instance> found = load(accountId, instanceIds, true);
          InstanceRules.requireTerminable(found);
          ledger.lockAccount(accountId);
          Instant now = clock.instant();
          List<Instance> result = new ArrayList<>(found.size());
          for (Instance i : found) {
            Instance released = i.change().state(InstanceState.RELEASED).releasedTime(now).build();
            instances.save(released);
            events.event(released, EventType.TERMINATED, null, now);
            result.add(released);
          }
          return inRequestOrder(instanceIds, result);
        });
  }

  public record InstanceFilter(
      List<String> instanceIds,
      List<InstanceState> states,
      ChargeType chargeType,
      RenewFlag renewFlag,
      Instant expiringBefore) {}

  public Page<Instance> describe(
      String accountId, InstanceFilter filter, int pageSize, String pageToken) {
    if (!filter.instanceIds().isEmpty()) {
      validateFilterIds(filter.instanceIds());
    }
    int limit = PageTokens.pageSize(pageSize);
    String fingerprint =
        PageTokens.fingerprint(
            "instances",
            accountId,
            new java.util.TreeSet<>(filter.instanceIds()),
            new java.util.TreeSet<>(filter.states()),
            filter.chargeType(),
            filter.renewFlag(),
            filter.expiringBefore() == null ? null : filter.expiringBefore().toEpochMilli());
    String after = PageTokens.decode(pageToken, fingerprint);
    List<Instance> rows =
        tx.inTransaction(
            () ->
                instances.search(
                    new InstanceQuery(
                        accountId,
                        List.copyOf(new LinkedHashSet<>(filter.instanceIds())),
                        List.copyOf(new LinkedHashSet<>(filter.states())),
                        filter.chargeType(),
                        filter.renewFlag(),
                        filter.expiringBefore(),
                        after,
                        limit + 1)));
    if (rows.size() <= limit) {
      return new Page<>(rows, "");
    }
    List<Instance> page = rows.subList(0, limit);
    return new Page<>(
        List.copyOf(page), PageTokens.encode(page.get(limit - 1).instanceId(), fingerprint));
  }

  private static void validateFilterIds(List<String> instanceIds) {
    if (instanceIds.size() > RequestRules.MAX_BATCH) {
      RequestRules.validateInstanceIds(instanceIds);
    }
    List<String> malformed =
        instanceIds.stream().filter(id -> !RequestRules.isValidInstanceId(id)).toList();
    if (!malformed.isEmpty()) {
      throw ApiException.of(ErrorReason.INVALID_INSTANCE_ID, "malformed instance ids")
          .meta("instanceIds", malformed.stream().map(RequestRules::display).toList())
          .field(
              "instance_ids", "each id must be \"ins-\" followed by 8 lowercase letters or digits")
          .build();
    }
  }

  private Account account(String accountId) {
    return accounts.require(accountId);
  }

  /** The account's instances with these ids; any other id (unknown or not ours) is NOT_FOUND. */
  private List<Instance> load(String accountId, List<String> instanceIds, boolean lock) {
    List<Instance> found =
        lock
            ? instances.findByIdsForUpdate(accountId, instanceIds)
            : instances.findByIds(accountId, instanceIds);
    if (found.size() != instanceIds.size()) {
      Set<String> present = new java.util.HashSet<>();
      found.forEach(i -> present.add(i.instanceId()));
      List<String> missing = instanceIds.stream().filter(id -> !present.contains(id)).toList();
      throw ApiException.of(
              ErrorReason.INSTANCE_NOT_FOUND, "instances not found: " + String.join(", ", missing))
          .meta("instanceIds", missing)
          .build();
    }
    return inRequestOrder(instanceIds, found);
  }

  private static void requireBalance(Account account, long chargeFen) {
    if (account.balanceFen() < chargeFen) {
      throw ApiException.of(
              ErrorReason.INSUFFICIENT_BALANCE, "the account balance does not cover the charge")
          .meta("required", Money.format(chargeFen))
          .meta("balance", Money.format(account.balanceFen()))
          .build();
    }
  }

  private static List<Instance> inRequestOrder(List<String> requestIds, List<Instance> rows) {
    Map<String, Instance> byId = new HashMap<>();
    rows.forEach(i -> byId.put(i.instanceId(), i));
    List<Instance> ordered = new ArrayList<>(rows.size());
    for (String id : requestIds) {
      Instance i = byId.get(id);
      if (i != null) {
        ordered.add(i);
      }
    }
    return ordered;
  }
}
