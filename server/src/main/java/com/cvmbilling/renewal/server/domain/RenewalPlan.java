package com.cvmbilling.renewal.server.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a renewal of a batch does and costs (SPEC 5), computed without I/O. The price inquiry, the
 * dry run, the real call and the lifecycle's auto-renewal (a one-instance plan) all build this same
 * plan, so they cannot disagree.
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
    InstanceRules.requireRenewable(instances);
    List<Line> lines = new ArrayList<>(instances.size());
    Price renewalTotal = Price.ZERO;
    long upgradeTotal = 0;
    for (Instance instance : instances) {
      int bandwidthAfter = newBandwidthMbps == null ? instance.bandwidthMbps() : newBandwidthMbps;
      long oldRate = catalog.monthlyRateFen(instance.instanceType(), instance.bandwidthMbps());
      long newRate = catalog.monthlyRateFen(instance.instanceType(), bandwidthAfter);
      Price renewalPrice = catalog.renewalPrice(newRate, months);
      long upgradeFen =
          Pricing.bandwidthUpgradeFen(
              oldRate, newRate, BillingCalendar.remainingDays(now, instance.expiredTime(), zone));
      Instance after = renewed(instance, months, bandwidthAfter, zone);
      lines.add(new Line(instance, after, renewalPrice, upgradeFen));
      renewalTotal = renewalTotal.plus(renewalPrice);
      upgradeTotal = Math.addExact(upgradeTotal, upgradeFen);
    }
    return new RenewalPlan(List.copyOf(lines), renewalTotal, upgradeTotal);
  }

  /** An expiry moved by the renewal rule, and the anchor day it keeps from now on. */
  public record Term(Instant expiry, int anchorDay) {}

  /**
   * The renewal rule: {@code months} calendar months after {@code from} on the anchor day ({@code
   * from}'s own day in {@code zone} when the instance has none yet), see {@link
   * BillingCalendar#addMonths}. Manual renewal, auto-renewal and provisioning (a first term counted
   * from now) all move expiries with it.
   *
   * @param anchorDay the instance's stored anchor day, or null
   */
  public static Term term(Instant from, Integer anchorDay, int months, ZoneId zone) {
    int anchor = anchorDay != null ? anchorDay : BillingCalendar.anchorDayOf(from, zone);
    return new Term(BillingCalendar.addMonths(from, months, anchor, zone), anchor);
  }

  /** The instance renewed for {@code months}: the next {@link #term}, RUNNING, not isolated. */
  static Instance renewed(Instance instance, int months, int bandwidthMbps, ZoneId zone) {
    Term term = term(instance.expiredTime(), instance.expiryAnchorDay(), months, zone);
    return instance
        .change()
        .state(InstanceState.RUNNING)
        .expiredTime(term.expiry())
        .expiryAnchorDay(term.anchorDay())
        .isolatedTime(null)
        .bandwidthMbps(bandwidthMbps)
        .build();
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
