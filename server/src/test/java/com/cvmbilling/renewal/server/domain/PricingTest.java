package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tier.Unit
class PricingTest {
  /** Catalog version 1's period factors (the prices do not matter here). */
  private static final PriceCatalog V1 = PriceCatalog.of(Map.of(), 0);

  // ---- periods ---------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "1, 100", "2, 100", "3, 100", "4, 100", "5, 100", "6, 100", "7, 100", "8, 100", "9, 100",
    "10, 100", "11, 100", "12, 85", "24, 70", "36, 60"
  })
  void discountPercentForEveryAllowedPeriod(int months, int percent) {
    assertThat(V1.discountPercent(months)).isEqualTo(percent);
    assertThat(Pricing.isAllowedRenewalPeriod(months)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 13, 23, 25, 35, 37, -1, -12, 48, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void disallowedPeriodsAreRejected(int months) {
    assertThat(Pricing.isAllowedRenewalPeriod(months)).isFalse();
    ApiException e =
        Errors.expectBadField(
            () -> V1.discountPercent(months), ErrorReason.INVALID_PERIOD, "period_months");
    assertThat(e.metadata()).containsEntry("periodMonths", Integer.toString(months));
    assertThat(e.getMessage()).contains(Integer.toString(months));
  }

  @Test
  void exactlyFourteenPeriodsAreAllowedBetweenMinus100And100() {
    List<Integer> allowed = new ArrayList<>();
    for (int m = -100; m <= 100; m++) {
      if (Pricing.isAllowedRenewalPeriod(m)) {
        allowed.add(m);
      }
    }
    assertThat(allowed).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36);
  }

  // ---- monthly rate ----------------------------------------------------------------------

  @Test
  void monthlyRateIsTypePricePlusBandwidth() {
    // S5.MEDIUM4 100.00 + 5 Mbps x 10.00 = 150.00 CNY
    assertThat(Pricing.monthlyRateFen(10_000, 5, 1_000)).isEqualTo(15_000);
    // S5.SMALL2 50.00, no public bandwidth
    assertThat(Pricing.monthlyRateFen(5_000, 0, 1_000)).isEqualTo(5_000);
    // S5.LARGE8 200.00 + 1000 Mbps x 10.00 = 10200.00 CNY
    assertThat(Pricing.monthlyRateFen(20_000, 1000, 1_000)).isEqualTo(1_020_000);
  }

  @Test
  void monthlyRateOverflowThrows() {
    assertThatThrownBy(() -> Pricing.monthlyRateFen(Long.MAX_VALUE, 1, 1))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Pricing.monthlyRateFen(0, 1000, Long.MAX_VALUE / 10))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void monthlyRateRejectsNegativeInputs() {
    assertThatThrownBy(() -> Pricing.monthlyRateFen(-1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pricing.monthlyRateFen(1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pricing.monthlyRateFen(1, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- renewal price ---------------------------------------------------------------------

  @Test
  void renewalPriceRoundsHalfUpAboveHalf() {
    // 3333 x 12 = 39996; x 85% = 33996.6 -> 33997
    assertThat(V1.renewalPrice(3333, 12)).isEqualTo(new Price(39996, 33997));
  }

  @Test
  void renewalPriceRoundsDownBelowHalf() {
    // 3331 x 12 = 39972; x 85% = 33976.2 -> 33976
    assertThat(V1.renewalPrice(3331, 12)).isEqualTo(new Price(39972, 33976));
    // 1 x 24 x 70% = 16.8 -> 17; 1 x 36 x 60% = 21.6 -> 22
    assertThat(V1.renewalPrice(1, 24)).isEqualTo(new Price(24, 17));
    assertThat(V1.renewalPrice(1, 36)).isEqualTo(new Price(36, 22));
    // 7 x 24 x 70% = 117.6 -> 118; 3 x 36 x 60% = 64.8 -> 65; 2 x 36 x 60% = 43.2 -> 43
    assertThat(V1.renewalPrice(7, 24).discountFen()).isEqualTo(118);
    assertThat(V1.renewalPrice(3, 36).discountFen()).isEqualTo(65);
    assertThat(V1.renewalPrice(2, 36).discountFen()).isEqualTo(43);
  }

  @Test
  void renewalPriceWithoutFactorChargesTheOriginal() {
    assertThat(V1.renewalPrice(15_000, 1)).isEqualTo(new Price(15_000, 15_000));
    assertThat(V1.renewalPrice(15_000, 11)).isEqualTo(new Price(165_000, 165_000));
  }

  @Test
  void renewalPriceForLongPeriods() {
    // 150.00/month: 12 months 1800.00 -> 1530.00; 24 months 3600.00 -> 2520.00;
    // 36 months 5400.00 -> 3240.00
    assertThat(V1.renewalPrice(15_000, 12)).isEqualTo(new Price(180_000, 153_000));
    assertThat(V1.renewalPrice(15_000, 24)).isEqualTo(new Price(360_000, 252_000));
    assertThat(V1.renewalPrice(15_000, 36)).isEqualTo(new Price(540_000, 324_000));
  }

  @Test
  void renewalPriceRejectsDisallowedPeriod() {
    Errors.expectBadField(
        () -> V1.renewalPrice(15_000, 13), ErrorReason.INVALID_PERIOD, "period_months");
  }

  @Test
  void renewalPriceOverflowThrows() {
    assertThatThrownBy(() -> V1.renewalPrice(Long.MAX_VALUE / 12 + 1, 12))
        .isInstanceOf(ArithmeticException.class);
    // rate x months fits but x 85 does not
    assertThatThrownBy(() -> V1.renewalPrice(Long.MAX_VALUE / 24, 12))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void renewalPriceOfFreeInstanceIsZero() {
    assertThat(V1.renewalPrice(0, 36)).isEqualTo(Price.ZERO);
  }

  // ---- bandwidth upgrade -----------------------------------------------------------------

  @Test
  void bandwidthIncreaseIsProratedPerDayAndRoundedHalfUp() {
    // 150.00 -> 200.00 a month, 10 days: 5000 x 10 / 30 = 1666.67 -> 1667
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, 10)).isEqualTo(1667);
    // 30 days is exactly one month of the difference
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, 30)).isEqualTo(5_000);
    // 31 days (a long month) is more than the monthly difference
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, 31)).isEqualTo(5_167);
  }

  @Test
  void bandwidthIncreaseForOneDay() {
    // 5000 / 30 = 166.67 -> 167
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, 1)).isEqualTo(167);
    // 1 Mbps more: 1000 / 30 = 33.33 -> 33
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 16_000, 1)).isEqualTo(33);
  }

  @Test
  void bandwidthIncreaseExactHalfRoundsUp() {
    // 15 x 1 / 30 = 0.5 -> 1; 45 x 1 / 30 = 1.5 -> 2; 75 / 30 = 2.5 -> 3 (not half-even 2)
    assertThat(Pricing.bandwidthUpgradeFen(100, 115, 1)).isEqualTo(1);
    assertThat(Pricing.bandwidthUpgradeFen(100, 145, 1)).isEqualTo(2);
    assertThat(Pricing.bandwidthUpgradeFen(100, 175, 1)).isEqualTo(3);
    // 14 / 30 = 0.467 -> 0
    assertThat(Pricing.bandwidthUpgradeFen(100, 114, 1)).isZero();
  }

  @Test
  void bandwidthDecreaseOrNoChangeIsFree() {
    assertThat(Pricing.bandwidthUpgradeFen(20_000, 15_000, 10)).isZero();
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 15_000, 10)).isZero();
  }

  @Test
  void bandwidthIncreaseWithNoDaysLeftIsFree() {
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, 0)).isZero();
    assertThat(Pricing.bandwidthUpgradeFen(15_000, 20_000, -3)).isZero();
  }

  // ---- unified expiry --------------------------------------------------------------------

  @Test
  void unifiedExpiryChargeIsRateTimesDaysOverThirty() {
    // 150.00/month for 17 days: 15000 x 17 / 30 = 8500 exactly
    assertThat(Pricing.unifiedExpiryFen(15_000, 17)).isEqualTo(8_500);
    // 50.00/month for 1 day: 166.67 -> 167
    assertThat(Pricing.unifiedExpiryFen(5_000, 1)).isEqualTo(167);
    // 50.00/month for 2 days: 333.33 -> 333
    assertThat(Pricing.unifiedExpiryFen(5_000, 2)).isEqualTo(333);
    // no period factor even for a long extension: 31 days > one month's rate
    assertThat(Pricing.unifiedExpiryFen(15_000, 31)).isEqualTo(15_500);
  }

  @Test
  void unifiedExpiryExactHalfRoundsUp() {
    // 15 x 1 / 30 = 0.5 -> 1; 25 x 3 / 30 = 2.5 -> 3
    assertThat(Pricing.unifiedExpiryFen(15, 1)).isEqualTo(1);
    assertThat(Pricing.unifiedExpiryFen(25, 3)).isEqualTo(3);
  }

  @Test
  void unifiedExpiryForZeroDaysIsFree() {
    assertThat(Pricing.unifiedExpiryFen(15_000, 0)).isZero();
  }

  @Test
  void unifiedExpiryRejectsNegativeDays() {
    assertThatThrownBy(() -> Pricing.unifiedExpiryFen(15_000, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- rounding helper -------------------------------------------------------------------

  @Test
  void divideHalfUpRoundsTiesAwayFromZero() {
    assertThat(Pricing.divideHalfUp(5, 10)).isEqualTo(1);
    assertThat(Pricing.divideHalfUp(4, 10)).isEqualTo(0);
    assertThat(Pricing.divideHalfUp(15, 10)).isEqualTo(2);
    assertThat(Pricing.divideHalfUp(25, 10)).isEqualTo(3);
    assertThat(Pricing.divideHalfUp(-5, 10)).isEqualTo(-1);
    assertThat(Pricing.divideHalfUp(-4, 10)).isEqualTo(0);
    assertThat(Pricing.divideHalfUp(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
  }
}
