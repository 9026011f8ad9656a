package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one renewal rule that manual renewal, auto-renewal and provisioning share. */
@Tier.Unit
class RenewalPlanTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final PriceCatalog CATALOG = PriceCatalog.of(Map.of("S5.SMALL2", 10_033L), 2_317);

  private static Instant local(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant();
  }

  private static Instance instance(
      InstanceState state, Instant expiry, Integer anchor, int bandwidth) {
    return new Instance(
        "ins-abcd1234",
        "acc-test0001",
        "S5.SMALL2",
        ChargeType.PREPAID,
        state,
        expiry.minus(Duration.ofDays(400)),
        expiry,
        anchor,
        state == InstanceState.ISOLATED ? expiry : null,
        null,
        RenewFlag.NOTIFY_AND_AUTO_RENEW,
        3,
        bandwidth,
        7);
  }

  @Test
  void termKeepsTheAnchorDayAcrossShortMonths() {
    RenewalPlan.Term first = RenewalPlan.term(local("2026-01-31T10:15:30"), null, 1, ZONE);
    assertThat(first).isEqualTo(new RenewalPlan.Term(local("2026-02-28T10:15:30"), 31));
    RenewalPlan.Term second = RenewalPlan.term(first.expiry(), first.anchorDay(), 1, ZONE);
    assertThat(second).isEqualTo(new RenewalPlan.Term(local("2026-03-31T10:15:30"), 31));
  }

  @Test
  void anIsolatedInstanceIsRenewedFromItsOldExpiryBackToRunning() {
    Instance isolated = instance(InstanceState.ISOLATED, local("2026-02-28T00:00:00"), 30, 5);
    RenewalPlan plan =
        RenewalPlan.of(List.of(isolated), CATALOG, ZONE, 2, null, local("2026-03-05T00:00:00"));
    Instance after = plan.lines().get(0).after();
    assertThat(after.state()).isEqualTo(InstanceState.RUNNING);
    assertThat(after.isolatedTime()).isNull();
    assertThat(after.expiredTime()).isEqualTo(local("2026-04-30T00:00:00"));
    assertThat(after.expiryAnchorDay()).isEqualTo(30);
    assertThat(after.bandwidthMbps()).isEqualTo(5);
    assertThat(after.version()).isEqualTo(isolated.version() + 1);
  }

  /** Auto-renewal is a one-instance plan: it charges what it charged when it priced itself. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 6, 11, 12})
  void aOneInstancePlanChargesTheRenewalPriceOfTheInstancesOwnRate(int months) {
    Instance running = instance(InstanceState.RUNNING, local("2026-05-31T08:00:00"), null, 13);
    RenewalPlan plan =
        RenewalPlan.of(List.of(running), CATALOG, ZONE, months, null, local("2026-05-30T08:00:00"));
    long rate = Pricing.monthlyRateFen(10_033L, 13, 2_317);
    assertThat(plan.chargeFen()).isEqualTo(CATALOG.renewalPrice(rate, months).discountFen());
    assertThat(plan.bandwidthUpgradeTotalFen()).isZero();
    assertThat(plan.lines().get(0).after().expiredTime())
        .isEqualTo(BillingCalendar.addMonths(running.expiredTime(), months, 31, ZONE));
  }

  /** Provisioning's first term is the renewal of an instance expiring at its start. */
  @Test
  void aFirstTermIsARenewalOfAnInstanceExpiringNow() {
    Instant start = local("2026-08-31T23:59:59");
    RenewalPlan.Term term = RenewalPlan.term(start, null, 6, ZONE);
    Instance expiringNow = instance(InstanceState.RUNNING, start, null, 1);
    Instance renewed =
        RenewalPlan.of(List.of(expiringNow), CATALOG, ZONE, 6, null, start).lines().get(0).after();
    assertThat(renewed.expiredTime())
        .isEqualTo(term.expiry())
        .isEqualTo(local("2027-02-28T23:59:59"));
    assertThat(renewed.expiryAnchorDay()).isEqualTo(term.anchorDay()).isEqualTo(31);
  }
}
