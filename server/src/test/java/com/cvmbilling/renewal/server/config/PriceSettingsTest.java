package com.cvmbilling.renewal.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The price catalog's timing settings: defaults 10 s and 30 s, and a change lead not longer than
 * the refresh interval refused with the other problems, naming both settings and where each came
 * from.
 */
@Tier.Unit
class PriceSettingsTest {
  private static PriceSettings settings(Problems p, String... flags) {
    return OptionDefaults.parsed(new PriceSettings.Options(), flags).settings(p);
  }

  @Test
  void theDefaultsAreTenAndThirtySecondsAndValid() {
    Problems p = Problems.ofDefaults();
    assertThat(settings(p))
        .isEqualTo(new PriceSettings(Duration.ofSeconds(10), Duration.ofSeconds(30)));
    assertThat(p.lines()).isEmpty();
    assertThat(ServerOptions.defaults().prices()).isEqualTo(settings(Problems.ofDefaults()));
  }

  @Test
  void aLongerLeadThanTheRefreshIntervalIsAccepted() {
    Problems p = Problems.ofDefaults();
    PriceSettings s =
        settings(p, "--price-refresh-interval", "1m", "--price-change-lead-time", "61s");
    assertThat(p.lines()).isEmpty();
    assertThat(s.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.changeLeadTime()).isEqualTo(Duration.ofSeconds(61));
  }

  @Test
  void aLeadNotLongerThanTheRefreshIntervalIsAProblemNamingBoth() {
    Problems equal = Problems.ofDefaults();
    settings(equal, "--price-change-lead-time", "10s");
    assertThat(equal.lines())
        .containsExactly(
            "--price-change-lead-time: must be longer than --price-refresh-interval (10s), got"
                + " 10s: a replica could still price with the old catalog after a change's"
                + " effective time");

    // Only the refresh interval was typed (the lead is its default): the line names it too.
    Problems shorter = Problems.ofDefaults();
    settings(shorter, "--price-refresh-interval", "2m");
    assertThat(shorter.lines())
        .singleElement()
        .asString()
        .startsWith(
            "--price-change-lead-time: must be longer than --price-refresh-interval (120s), got"
                + " 30s");
  }

  @Test
  void theLineSaysWhereEachValueCameFrom() {
    Map<String, String> origins =
        Map.of("--price-refresh-interval", "environment variable RENEWAL_PRICE_REFRESH_INTERVAL");
    Problems p = new Problems(origins::get);
    settings(p, "--price-refresh-interval", "45s");
    assertThat(p.lines())
        .singleElement()
        .asString()
        .endsWith(
            "(--price-refresh-interval from environment variable RENEWAL_PRICE_REFRESH_INTERVAL)");
  }

  @Test
  void zeroOrNegativeDurationsAreRefusedWithTheOthers() {
    Problems p = Problems.ofDefaults();
    settings(p, "--price-refresh-interval", "0s", "--price-change-lead-time", "0s");
    assertThat(p.lines())
        .containsExactly(
            "--price-refresh-interval: must be positive, got PT0S",
            "--price-change-lead-time: must be positive, got PT0S");
  }
}
