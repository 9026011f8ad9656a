package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One version of the price catalog: monthly list prices in fen and the period factors (discount
 * percent per allowed renewal period), in force from {@code effectiveTime} until a later version
 * takes effect (see {@link PriceSchedule}). Versions are never changed once written.
 *
 * @param discountPercentByMonths the period factor in percent (100 = no discount) for every allowed
 *     renewal period ({@link Pricing#isAllowedRenewalPeriod})
 */
public record PriceCatalog(
    long version,
    Instant effectiveTime,
    SortedMap<String, Long> instanceTypeMonthlyFen,
    long bandwidthMonthlyFenPerMbps,
    SortedMap<Integer, Integer> discountPercentByMonths) {

  public PriceCatalog {
    instanceTypeMonthlyFen =
        Collections.unmodifiableSortedMap(new TreeMap<>(instanceTypeMonthlyFen));
    discountPercentByMonths =
        Collections.unmodifiableSortedMap(new TreeMap<>(discountPercentByMonths));
  }

  /** Version 1's period factors with these prices, in force since the epoch (tests, demos). */
  public static PriceCatalog of(Map<String, Long> types, long bandwidthFenPerMbps) {
    return new PriceCatalog(
        1,
        Instant.EPOCH,
        new TreeMap<>(types),
        bandwidthFenPerMbps,
        new TreeMap<>(Pricing.VERSION_1_DISCOUNT_PERCENT));
  }

  public Optional<Long> instanceTypeMonthlyFen(String instanceType) {
    return Optional.ofNullable(instanceTypeMonthlyFen.get(instanceType));
  }

  /** Monthly rate of an instance of this type at this bandwidth (SPEC 5). */
  public long monthlyRateFen(String instanceType, int bandwidthMbps) {
    Long typePrice = instanceTypeMonthlyFen.get(instanceType);
    if (typePrice == null) {
      // A stored instance always has a catalogued type; a missing row is a data error, not user
      // input.
      throw new IllegalStateException(
          "no price for instance type " + instanceType + " in catalog version " + version);
    }
    return Pricing.monthlyRateFen(typePrice, bandwidthMbps, bandwidthMonthlyFenPerMbps);
  }

  /**
   * The period factor in percent for a renewal of {@code months}.
   *
   * @throws ApiException {@code INVALID_PERIOD} on field {@code period_months} for a period that is
   *     not allowed
   */
  public int discountPercent(int months) {
    Integer percent = discountPercentByMonths.get(months);
    if (percent == null || !Pricing.isAllowedRenewalPeriod(months)) {
      throw Pricing.invalidPeriod(months);
    }
    return percent;
  }

  /**
   * Price of renewing at {@code monthlyRateFen} for {@code months} with this version's factor.
   *
   * @throws ApiException {@code INVALID_PERIOD} if {@code months} is not an allowed period
   */
  public Price renewalPrice(long monthlyRateFen, int months) {
    return Pricing.renewalPrice(monthlyRateFen, months, discountPercent(months));
  }

  /**
   * Checks a catalog proposed as the next version (SetPriceCatalog), before it is stored: at least
   * one instance type, each with a code of 1..64 letters, digits, '.', '_' or '-', listed once and
   * priced above zero; every instance type of {@code latest} still priced (instances of it exist or
   * may exist: a type is never withdrawn from the catalog); a bandwidth price above zero; one
   * discount for each allowed period and none other, each 1..100 percent.
   *
   * @param instanceTypes the proposed types and monthly prices, in request order
   * @param periodDiscounts the proposed (period months, percent) pairs, in request order
   * @throws ApiException INVALID_INSTANCE_TYPE, INVALID_AMOUNT, INVALID_PERIOD or INVALID_DISCOUNT
   *     on the offending field
   */
  public static void requireValidNext(
      List<Map.Entry<String, Long>> instanceTypes,
      long bandwidthMonthlyFenPerMbps,
      List<Map.Entry<Integer, Integer>> periodDiscounts,
      PriceCatalog latest) {
    if (instanceTypes.isEmpty()) {
      throw ApiException.badField(
          ErrorReason.INVALID_INSTANCE_TYPE, "instance_types", "at least one instance type");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < instanceTypes.size(); i++) {
      String code = instanceTypes.get(i).getKey();
      String field = "instance_types[" + i + "].instance_type";
      if (code == null || !ITEM_CODE.matcher(code).matches()) {
        throw ApiException.badField(
            ErrorReason.INVALID_INSTANCE_TYPE,
            field,
            "an instance type is 1..64 letters, digits, '.', '_' or '-'");
      }
      if (!seen.add(code)) {
        throw ApiException.badField(
            ErrorReason.INVALID_INSTANCE_TYPE, field, "instance type " + code + " listed twice");
      }
      if (instanceTypes.get(i).getValue() <= 0) {
        throw ApiException.badField(
            ErrorReason.INVALID_AMOUNT,
            "instance_types[" + i + "].monthly_price",
            "a monthly price must be above zero");
      }
    }
    for (String kept : latest.instanceTypeMonthlyFen().keySet()) {
      if (!seen.contains(kept)) {
        throw ApiException.of(
                ErrorReason.INVALID_INSTANCE_TYPE,
                "instance type " + kept + " is in the catalog and cannot be withdrawn")
            .field("instance_types", "must price every instance type of the current catalog")
            .meta("instanceType", kept)
            .build();
      }
    }
    if (bandwidthMonthlyFenPerMbps <= 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_AMOUNT,
          "bandwidth_monthly_price_per_mbps",
          "the bandwidth price must be above zero");
    }
    Set<Integer> periods = new HashSet<>();
    for (int i = 0; i < periodDiscounts.size(); i++) {
      int months = periodDiscounts.get(i).getKey();
      String field = "period_discounts[" + i + "]";
      if (!Pricing.isAllowedRenewalPeriod(months)) {
        throw ApiException.badField(
            ErrorReason.INVALID_PERIOD,
            field + ".period_months",
            "period_months must be 1 to 12, 24 or 36; got " + months);
      }
      if (!periods.add(months)) {
        throw ApiException.badField(
            ErrorReason.INVALID_PERIOD,
            field + ".period_months",
            "period " + months + " months listed twice");
      }
      int percent = periodDiscounts.get(i).getValue();
      if (percent < 1 || percent > 100) {
        throw ApiException.badField(
            ErrorReason.INVALID_DISCOUNT,
            field + ".discount_percent",
            "discount_percent is the share of the list price charged, 1..100; got " + percent);
      }
    }
    for (int months = 1; months <= 36; months++) {
      if (Pricing.isAllowedRenewalPeriod(months) && !periods.contains(months)) {
        throw ApiException.badField(
            ErrorReason.INVALID_PERIOD,
            "period_discounts",
            "a discount for every period 1..12, 24 and 36 months is required; missing " + months);
      }
    }
  }

  private static final Pattern ITEM_CODE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
}
