package com.cvmbilling.renewal.server.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What aligning a batch to one day of the month does and costs (SPEC 5): each instance moves to the
 * first 00:00 of {@code expiryDay} (billing time zone) not before its expiry, charged monthly rate
 * x extension days / 30 with no period discount. Already aligned = unchanged, free.
 */
public record UnifiedExpiryPlan(List<Line> lines, long totalFen) {

  public record Line(Instance before, Instance after, long extensionDays, long priceFen) {
    public boolean changed() {
      return !before.expiredTime().equals(after.expiredTime())
          || !java.util.Objects.equals(before.expiryAnchorDay(), after.expiryAnchorDay());
    }

    public Price price() {
      return new Price(priceFen, priceFen);
    }
  }

  public static UnifiedExpiryPlan of(
      List<Instance> instances, PriceCatalog catalog, ZoneId zone, int expiryDay) {
    RequestRules.validateExpiryDay(expiryDay);
    InstanceRules.requireAlignable(instances);
    List<Line> lines = new ArrayList<>(instances.size());
    long total = 0;
    for (Instance instance : instances) {
      Instant oldExpiry = instance.expiredTime();
      Instant newExpiry = BillingCalendar.unifiedExpiry(oldExpiry, expiryDay, zone);
      long days = BillingCalendar.extensionDays(oldExpiry, newExpiry, zone);
      long rate = catalog.monthlyRateFen(instance.instanceType(), instance.bandwidthMbps());
      long price = Pricing.unifiedExpiryFen(rate, days);
      Instance after = instance.change().expiredTime(newExpiry).expiryAnchorDay(expiryDay).build();
      lines.add(new Line(instance, after, days, price));
      total = Math.addExact(total, price);
    }
    return new UnifiedExpiryPlan(List.copyOf(lines), total);
  }
}
