package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which catalog version is in force when, and what a new version must satisfy. */
@Tier.Unit
class PriceScheduleTest {
  private static final PriceCatalog V1 =
      PriceCatalog.of(Map.of("S5.SMALL2", 5_000L, "S5.LARGE8", 20_000L), 1_000);
  private static final Instant MAR = Instant.parse("2027-03-01T00:00:00Z");
  private static final Instant APR = Instant.parse("2027-04-01T00:00:00Z");

  private static PriceCatalog version(long v, Instant effective, long smallFen, int yearPercent) {
    TreeMap<Integer, Integer> discounts = new TreeMap<>(Pricing.VERSION_1_DISCOUNT_PERCENT);
    discounts.put(12, yearPercent);
    return new PriceCatalog(
        v,
        effective,
        new TreeMap<>(Map.of("S5.SMALL2", smallFen, "S5.LARGE8", 20_000L)),
        1_000,
        discounts);
  }

  @Test
  void theVersionInForceIsTheLatestEffectiveNotAfterTheInstant() {
    PriceSchedule s =
        new PriceSchedule(List.of(V1, version(2, APR, 7_000, 85), version(3, MAR, 6_000, 85)));

    assertThat(s.at(Instant.EPOCH).version()).isEqualTo(1);
    assertThat(s.at(MAR.minusMillis(1)).version()).isEqualTo(1);
    assertThat(s.at(MAR).version()).isEqualTo(3);
    assertThat(s.at(APR.minusMillis(1)).version()).isEqualTo(3);
    assertThat(s.at(APR).version()).isEqualTo(2);
    assertThat(s.latestVersion()).isEqualTo(3);
    assertThat(s.earliestEffectiveTime()).isEqualTo(Instant.EPOCH);
    assertThatThrownBy(() -> s.at(Instant.EPOCH.minusMillis(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLaterVersionWithTheSameEffectiveTimeReplacesAScheduledOne() {
    PriceSchedule s =
        new PriceSchedule(List.of(V1, version(2, APR, 7_000, 85), version(3, APR, 6_500, 85)));

    assertThat(s.at(APR).instanceTypeMonthlyFen("S5.SMALL2")).contains(6_500L);
  }

  @Test
  void periodFactorsComeFromTheVersion() {
    PriceCatalog v2 = version(2, MAR, 5_000, 80);

    assertThat(V1.renewalPrice(6_000, 12)).isEqualTo(new Price(72_000, 61_200));
    assertThat(v2.renewalPrice(6_000, 12)).isEqualTo(new Price(72_000, 57_600));
    assertThat(v2.renewalPrice(6_000, 24)).isEqualTo(V1.renewalPrice(6_000, 24));
    Errors.expectBadField(
        () -> v2.renewalPrice(6_000, 13), ErrorReason.INVALID_PERIOD, "period_months");
  }

  @Test
  void versionsMustAscend() {
    assertThatThrownBy(() -> new PriceSchedule(List.of(version(2, MAR, 1, 85), V1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PriceSchedule(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEffectiveTimeCloserThanTheLeadOrInThePastIsRefused() {
    Instant now = Instant.parse("2027-02-01T00:00:00Z");
    Duration lead = Duration.ofSeconds(30);

    PriceSchedule.requireEffectiveTime(now.plus(lead), now, lead);
    Errors.expectBadField(
        () -> PriceSchedule.requireEffectiveTime(now.plus(lead).minusMillis(1), now, lead),
        ErrorReason.INVALID_TIMESTAMP,
        "effective_time");
    ApiException past =
        Errors.expectBadField(
            () -> PriceSchedule.requireEffectiveTime(now.minusSeconds(3600), now, lead),
            ErrorReason.INVALID_TIMESTAMP,
            "effective_time");
    assertThat(past.metadata()).containsEntry("earliestEffectiveTime", "2027-02-01T00:00:30Z");
    // The message states the configured lead.
    assertThat(past.getMessage()).contains("at least 30 s (this server's price change lead time)");
    assertThat(
            Errors.expectBadField(
                    () -> PriceSchedule.requireEffectiveTime(now, now, Duration.ofMillis(1500)),
                    ErrorReason.INVALID_TIMESTAMP,
                    "effective_time")
                .getMessage())
        .contains("at least 1500 ms");
  }

  // ---- a new version's contents ----------------------------------------------------------

  private static List<Map.Entry<String, Long>> types(Object... codeAndFen) {
    List<Map.Entry<String, Long>> out = new ArrayList<>();
    for (int i = 0; i < codeAndFen.length; i += 2) {
      out.add(Map.entry((String) codeAndFen[i], ((Number) codeAndFen[i + 1]).longValue()));
    }
    return out;
  }

  private static List<Map.Entry<Integer, Integer>> allDiscounts() {
    return new ArrayList<>(Pricing.VERSION_1_DISCOUNT_PERCENT.entrySet());
  }

  @Test
  void aCompleteCatalogWithANewTypeIsAccepted() {
    PriceCatalog.requireValidNext(
        types("S5.SMALL2", 5_100, "S5.LARGE8", 20_000, "S6.XL16", 40_000),
        1_100,
        allDiscounts(),
        V1);
  }

  @Test
  void badContentsAreRefusedOnTheirField() {
    List<Map.Entry<Integer, Integer>> d = allDiscounts();
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(types(), 1_000, d, PriceCatalog.of(Map.of(), 1)),
        ErrorReason.INVALID_INSTANCE_TYPE,
        "instance_types");
    Errors.expectBadField(
        () ->
            PriceCatalog.requireValidNext(types("S5.SMALL2", 5_000, "S5.LARGE8", 0), 1_000, d, V1),
        ErrorReason.INVALID_AMOUNT,
        "instance_types[1].monthly_price");
    Errors.expectBadField(
        () ->
            PriceCatalog.requireValidNext(
                types("S5.SMALL2", 5_000, "S5.SMALL2", 5_000, "S5.LARGE8", 1), 1_000, d, V1),
        ErrorReason.INVALID_INSTANCE_TYPE,
        "instance_types[1].instance_type");
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(types("S5 SMALL2", 5_000), 1_000, d, V1),
        ErrorReason.INVALID_INSTANCE_TYPE,
        "instance_types[0].instance_type");
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(types("S5.SMALL2", 5_000), 1_000, d, V1),
        ErrorReason.INVALID_INSTANCE_TYPE,
        "instance_types");
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(types("S5.SMALL2", 1, "S5.LARGE8", 1), 0, d, V1),
        ErrorReason.INVALID_AMOUNT,
        "bandwidth_monthly_price_per_mbps");
  }

  @Test
  void discountsMustCoverEveryAllowedPeriodOnceWithinOneToHundredPercent() {
    List<Map.Entry<String, Long>> t = types("S5.SMALL2", 1, "S5.LARGE8", 1);
    List<Map.Entry<Integer, Integer>> missing = allDiscounts();
    missing.remove(13); // 36 months
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(t, 1, missing, V1),
        ErrorReason.INVALID_PERIOD,
        "period_discounts");
    List<Map.Entry<Integer, Integer>> thirteen = allDiscounts();
    thirteen.add(Map.entry(13, 90));
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(t, 1, thirteen, V1),
        ErrorReason.INVALID_PERIOD,
        "period_discounts[14].period_months");
    List<Map.Entry<Integer, Integer>> twice = allDiscounts();
    twice.add(Map.entry(12, 90));
    Errors.expectBadField(
        () -> PriceCatalog.requireValidNext(t, 1, twice, V1),
        ErrorReason.INVALID_PERIOD,
        "period_discounts[14].period_months");
    for (int bad : new int[] {0, 101, -5}) {
      List<Map.Entry<Integer, Integer>> percent = allDiscounts();
      percent.set(11, Map.entry(12, bad));
      Errors.expectBadField(
          () -> PriceCatalog.requireValidNext(t, 1, percent, V1),
          ErrorReason.INVALID_DISCOUNT,
          "period_discounts[11].discount_percent");
    }
  }
}
