package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RenewalPlan;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.InstanceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.IdGenerator;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Provisioning of instances by the operator (AdminService.CreateInstances). Not charged. */
@Singleton
public class ProvisioningService {
  /** A first term longer than this is a typo, not a purchase. */
  static final long MAX_TERM_DAYS = 3660;

  /**
   * @param periodMonths the first term from now (prepaid), or null
   * @param expiredTime an explicit first expiry (prepaid), or null; truncated to whole seconds
   * @param instanceIds chosen ids (demo mode), or null for random ones
   */
  public record NewInstances(
      String accountId,
      String instanceType,
      ChargeType chargeType,
      int bandwidthMbps,
      RenewFlag renewFlag,
      int autoRenewPeriodMonths,
      int count,
      Integer periodMonths,
      Instant expiredTime,
      List<String> instanceIds) {}

  private final Transactions tx;
  private final AccountService accounts;
  private final InstanceStore instances;
  private final PriceService prices;
  private final IdGenerator ids;
  private final Clock clock;

  @Inject
  public ProvisioningService(
      Transactions tx,
      AccountService accounts,
      InstanceStore instances,
      PriceService prices,
      IdGenerator ids,
      Clock clock) {
    this.tx = tx;
    this.accounts = accounts;
    this.instances = instances;
    this.prices = prices;
    this.ids = ids;
    this.clock = clock;
  }

  public List<Instance> create(NewInstances request) {
    if (request.count() < 1 || request.count() > RequestRules.MAX_BATCH) {
      throw ApiException.badField(ErrorReason.INVALID_COUNT, "count", "count must be 1 to 100");
    }
    if (request.chargeType() == null) {
      throw ApiException.badField(
          ErrorReason.INVALID_CHARGE_TYPE,
          "charge_type",
          "charge_type must be PREPAID or POSTPAID_BY_HOUR");
    }
    if (request.bandwidthMbps() < 0 || request.bandwidthMbps() > 1000) {
      throw ApiException.badField(
          ErrorReason.INVALID_BANDWIDTH, "bandwidth_mbps", "bandwidth_mbps must be 0 to 1000");
    }
    if (request.autoRenewPeriodMonths() < 1 || request.autoRenewPeriodMonths() > 12) {
      throw ApiException.badField(
          ErrorReason.INVALID_PERIOD,
          "auto_renew_period_months",
          "auto_renew_period_months must be 1 to 12");
    }
    boolean prepaid = request.chargeType() == ChargeType.PREPAID;
    if (prepaid && (request.periodMonths() == null) == (request.expiredTime() == null)) {
      throw ApiException.badField(
          ErrorReason.INVALID_PERIOD,
          "period_months",
          "a prepaid instance needs period_months or expired_time");
    }
    if (!prepaid && (request.periodMonths() != null || request.expiredTime() != null)) {
      throw ApiException.badField(
          ErrorReason.INVALID_PERIOD,
          "period_months",
          "a postpaid instance has no term: leave period_months and expired_time unset");
    }
    if (prepaid && request.periodMonths() != null) {
      RequestRules.validateRenewalPeriod(request.periodMonths());
    }
    return tx.inTransaction(
        () -> {
          Account account = accounts.require(request.accountId());
          if (prices.current().instanceTypeMonthlyFen(request.instanceType()).isEmpty()) {
            throw ApiException.of(
                    ErrorReason.INVALID_INSTANCE_TYPE, "unknown instance_type; see DescribePrices")
                .field("instance_type", "not in the price catalog")
                .meta("instanceType", RequestRules.display(request.instanceType()))
                .build();
          }
          Instant now = clock.instant();
          ZoneId zone = account.zone();
          Instant expiry = null;
          Integer anchor = null;
          if (prepaid) {
            if (request.expiredTime() != null) {
              expiry = request.expiredTime().truncatedTo(ChronoUnit.SECONDS);
              if (!expiry.isAfter(now)
                  || expiry.isAfter(now.plus(java.time.Duration.ofDays(MAX_TERM_DAYS)))) {
                throw ApiException.badField(
                    ErrorReason.INVALID_EXPIRED_TIME,
                    "expired_time",
                    "expired_time must be in the future and at most 10 years from now");
              }
              anchor = BillingCalendar.anchorDayOf(expiry, zone);
            } else {
              // The first term is a renewal of an instance expiring now.
              RenewalPlan.Term term =
                  RenewalPlan.term(
                      now.truncatedTo(ChronoUnit.SECONDS), null, request.periodMonths(), zone);
              anchor = term.anchorDay();
              expiry = term.expiry();
            }
          }
          List<Instance> created = new ArrayList<>(request.count());
          for (int n = 0; n < request.count(); n++) {
            String id =
                request.instanceIds() != null ? request.instanceIds().get(n) : uniqueInstanceId();
            Instance instance =
                new Instance(
                    id,
                    account.accountId(),
                    request.instanceType(),
                    request.chargeType(),
                    InstanceState.RUNNING,
                    now,
                    expiry,
                    anchor,
                    null,
                    null,
                    request.renewFlag() == null
                        ? RenewFlag.NOTIFY_AND_MANUAL_RENEW
                        : request.renewFlag(),
                    request.autoRenewPeriodMonths(),
                    request.bandwidthMbps(),
                    1);
            instances.insert(instance);
            created.add(instance);
          }
          return created;
        });
  }

  private String uniqueInstanceId() {
    // 36^8 ids: a clash is rare; checking first keeps the insert from failing the whole batch.
    for (int attempt = 0; attempt < 10; attempt++) {
      String id = ids.instanceId();
      if (!instances.exists(id)) {
        return id;
      }
    }
    throw new IllegalStateException("could not draw an unused instance id");
  }
}
