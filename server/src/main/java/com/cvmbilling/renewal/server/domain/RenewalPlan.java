package com.cvmbilling.renewal.server.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a renewal of a batch does and costs (SPEC 5), computed without I/O. The price inquiry, the
 * dry run and the real call all build this same plan, so they cannot disagree.
 */
public record RenewalPlan(List<Line> lines, Price renewalTotal, long bandwidthUpgradeTotalFen) {

  /** One instance: its price line items and the instance as it will be stored. */
  public record Line(
      Instance before, Instance after, Price renewalPrice, long bandwidthUpgradeFen) {

    /** Everything charged for this instance. */
    public Price totalPrice() {
      return new Price(
          renewalPrice.originalFen() + bandwidthUpgradeFen,
          renewalPrice.discountFen() + bandwidthUpgradeFen);
    }
  }

  /**
   * @param newBandwidthMbps null keeps each instance's bandwidth
   */
  public static RenewalPlan of(
      List<Instance> instances,
      PriceCatalog catalog,
      ZoneId zone,
      int months,
      Integer newBandwidthMbps,
      Instant now) {
    Pricing.discountPercent(months); // rejects a period that is not allowed
    InstanceRules.requireRenewable(instances);
    List<Line> lines = new ArrayList<>(instances.size());
    Price renewalTotal = Price.ZERO;
    long upgradeTotal = 0;
    for (Instance instance : instances) {
      int bandwidthAfter = newBandwidthMbps == null ? instance.bandwidthMbps() : newBandwidthMbps;
      long oldRate = catalog.monthlyRateFen(instance.instanceType(), instance.bandwidthMbps());
      long newRate = catalog.monthlyRateFen(instance.instanceType(), bandwidthAfter);
      Price renewalPrice = Pricing.renewalPrice(newRate, months);
      long upgradeFen =
          Pricing.bandwidthUpgradeFen(
              oldRate, newRate, BillingCalendar.remainingDays(now, instance.expiredTime(), zone));
      int anchor =
          instance.expiryAnchorDay() != null
              ? instance.expiryAnchorDay()
              : BillingCalendar.anchorDayOf(instance.expiredTime(), zone);
      Instant newExpiry = BillingCalendar.addMonths(instance.expiredTime(), months, anchor, zone);
      Instance after =
          instance
              .change()
              .state(InstanceState.RUNNING)
              .expiredTime(newExpiry)
              .expiryAnchorDay(anchor)
              .isolatedTime(null)
              .bandwidthMbps(bandwidthAfter)
              .build();
      lines.add(new Line(instance, after, renewalPrice, upgradeFen));
      renewalTotal = renewalTotal.plus(renewalPrice);
      upgradeTotal = Math.addExact(upgradeTotal, upgradeFen);
    }
    return new RenewalPlan(List.copyOf(lines), renewalTotal, upgradeTotal);
  }

  /** What the account is charged in all. */
  public long chargeFen() {
    return Math.addExact(renewalTotal.discountFen(), bandwidthUpgradeTotalFen);
  }

  public Price totalPrice() {
    return new Price(
        renewalTotal.originalFen() + bandwidthUpgradeTotalFen,
        renewalTotal.discountFen() + bandwidthUpgradeTotalFen);
  }
}
