package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Price arithmetic of SPEC section 5. Amounts are exact {@code long} fen, never floating point;
 * each line item is rounded once, half-up to the fen. Arithmetic overflow throws {@link
 * ArithmeticException} instead of wrapping.
 *
 * <p>Bad request values (a period that is not allowed) raise {@link ApiException}; impossible
 * internal values (negative prices from the catalog, negative day counts) raise {@link
 * IllegalArgumentException}, because they are bugs, not user errors.
 */
public final class Pricing {
  /** Days in the "month" used for per-day proration (monthly rate / 30 per day). */
  public static final int DAYS_PER_PRORATION_MONTH = 30;

  private Pricing() {}

  /** The renewal periods a user may buy: 1..12, 24 and 36 months. */
  public static boolean isAllowedRenewalPeriod(int months) {
    return (months >= 1 && months <= 12) || months == 24 || months == 36;
  }

  /**
   * The period factors of catalog version 1 (seeded by migration V5, the values this code had
   * before prices were dated): 1..11 months 100, 12 months 85, 24 months 70, 36 months 60. Later
   * versions carry their own ({@link PriceCatalog#discountPercent}).
   */
  public static final SortedMap<Integer, Integer> VERSION_1_DISCOUNT_PERCENT =
      Collections.unmodifiableSortedMap(
          new TreeMap<>(
              Map.ofEntries(
                  Map.entry(1, 100),
                  Map.entry(2, 100),
                  Map.entry(3, 100),
                  Map.entry(4, 100),
                  Map.entry(5, 100),
                  Map.entry(6, 100),
                  Map.entry(7, 100),
                  Map.entry(8, 100),
                  Map.entry(9, 100),
                  Map.entry(10, 100),
                  Map.entry(11, 100),
                  Map.entry(12, 85),
                  Map.entry(24, 70),
                  Map.entry(36, 60))));

  static ApiException invalidPeriod(int months) {
    String msg = "period_months must be 1 to 12, 24 or 36; got " + months;
    return ApiException.of(ErrorReason.INVALID_PERIOD, msg)
        .meta("periodMonths", Integer.toString(months))
        .field("period_months", msg)
        .build();
  }

  /** Monthly rate of an instance = type price + mbps x price per Mbps per month. */
  public static long monthlyRateFen(
      long instanceTypeMonthlyFen, int bandwidthMbps, long bandwidthFenPerMbpsMonth) {
    requireNonNegative(instanceTypeMonthlyFen, "instanceTypeMonthlyFen");
    requireNonNegative(bandwidthMbps, "bandwidthMbps");
    requireNonNegative(bandwidthFenPerMbpsMonth, "bandwidthFenPerMbpsMonth");
    return Math.addExact(
        instanceTypeMonthlyFen, Math.multiplyExact((long) bandwidthMbps, bandwidthFenPerMbpsMonth));
  }

  /**
   * Price of renewing for {@code months} at a period factor of {@code percent}: original = rate x
   * months; charged (discount) = round_half_up(rate x months x percent / 100).
   *
   * @throws ApiException {@code INVALID_PERIOD} if {@code months} is not an allowed period
   */
  public static Price renewalPrice(long monthlyRateFen, int months, int percent) {
    if (!isAllowedRenewalPeriod(months)) {
      throw invalidPeriod(months);
    }
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("discount percent must be 1..100: " + percent);
    }
    requireNonNegative(monthlyRateFen, "monthlyRateFen");
    long original = Math.multiplyExact(monthlyRateFen, (long) months);
    long discounted = divideHalfUp(Math.multiplyExact(original, (long) percent), 100);
    return new Price(original, discounted);
  }

  /**
   * Charge for raising the bandwidth for the rest of the current period: round_half_up((new - old)
   * x remainingDays / 30). Zero when the rate does not go up (a decrease is not refunded) or no
   * days remain.
   */
  public static long bandwidthUpgradeFen(
      long oldMonthlyRateFen, long newMonthlyRateFen, long remainingDays) {
    if (newMonthlyRateFen <= oldMonthlyRateFen || remainingDays <= 0) {
      return 0;
    }
    long delta = Math.subtractExact(newMonthlyRateFen, oldMonthlyRateFen);
    return divideHalfUp(Math.multiplyExact(delta, remainingDays), DAYS_PER_PRORATION_MONTH);
  }

  /**
   * Charge for moving an expiry forward by {@code extensionDays} whole days (unified expiry):
   * round_half_up(rate x days / 30), no period factor. Zero for zero days.
   */
  public static long unifiedExpiryFen(long monthlyRateFen, long extensionDays) {
    requireNonNegative(monthlyRateFen, "monthlyRateFen");
    requireNonNegative(extensionDays, "extensionDays");
    if (extensionDays == 0) {
      return 0;
    }
    return divideHalfUp(
        Math.multiplyExact(monthlyRateFen, extensionDays), DAYS_PER_PRORATION_MONTH);
  }

  /**
   * {@code numerator / denominator} rounded half-up (ties away from zero) to an integer, exactly.
   */
  static long divideHalfUp(long numerator, long denominator) {
    return BigDecimal.valueOf(numerator)
        .divide(BigDecimal.valueOf(denominator), 0, RoundingMode.HALF_UP)
        .longValueExact();
  }

  private static void requireNonNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
