package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.LifecycleSchedule;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RenewalForecast;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.InstanceQuery;
import com.cvmbilling.renewal.server.persistence.InstanceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The renewal forecast of an account: reads the balance, the price catalog and the auto-renewing
 * instances in one transaction, and leaves the walk to {@link RenewalForecast}.
 */
@Singleton
public class RenewalForecastService {
  /** Instances read per query: an account with thousands is read in keyset pages. */
  static final int PAGE_SIZE = 500;

  private final Transactions tx;
  private final AccountStore accounts;
  private final InstanceStore instances;
  private final PriceService prices;
  private final LifecycleSchedule.Settings schedule;
  private final Clock clock;

  @Inject
  public RenewalForecastService(
      Transactions tx,
      AccountStore accounts,
      InstanceStore instances,
      PriceService prices,
      LifecycleSchedule.Settings schedule,
      Clock clock) {
    this.tx = tx;
    this.accounts = accounts;
    this.instances = instances;
    this.prices = prices;
    this.schedule = schedule;
    this.clock = clock;
  }

  /**
   * @param horizonDays as requested: 0 for the default; else 1..400 or {@code INVALID_HORIZON}
   */
  public RenewalForecast forecast(String accountId, int horizonDays) {
    int days = RequestRules.horizonDays(horizonDays);
    return tx.inTransaction(
        () -> {
          Account account = accounts.require(accountId);
          Instant now = clock.instant();
          Instant until = now.plus(Duration.ofDays(days));
          return RenewalForecast.of(
              autoRenewing(accountId, until),
              prices.schedule(),
              account.zone(),
              account.balanceFen(),
              now,
              until,
              schedule);
        });
  }

  /**
   * The account's auto-renewing instances whose first attempt can fall inside the horizon (expiry
   * up to the auto-renew lead after its end), page by page.
   */
  private List<Instance> autoRenewing(String accountId, Instant until) {
    // expiring_before is strict; the walk itself drops attempts after the horizon.
    Instant expiringBefore = until.plus(schedule.autoRenewLead()).plusMillis(1);
    List<Instance> found = new ArrayList<>();
    String after = null;
    while (true) {
      List<Instance> page =
          instances.search(
              new InstanceQuery(
                  accountId,
                  List.of(),
                  List.of(InstanceState.RUNNING),
                  ChargeType.PREPAID,
                  RenewFlag.NOTIFY_AND_AUTO_RENEW,
                  expiringBefore,
                  after,
                  PAGE_SIZE));
      found.addAll(page);
      if (page.size() < PAGE_SIZE) {
        return found;
      }
      after = page.get(page.size() - 1).instanceId();
    }
  }
}
