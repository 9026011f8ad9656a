package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.Pricing;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.PriceStore.StoredVersion;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The versioned catalog tables: the V5 seed, appending, reading what is new. */
class PriceStoreTest extends RepositoryTestBase {
  private static final Instant EFFECTIVE = Instant.parse("2027-03-01T00:00:00.123Z");
  private static final Instant CREATED = Instant.parse("2027-02-01T00:00:00.456Z");

  private PriceStore store() {
    return injector.getInstance(PriceStore.class);
  }

  @Test
  void migrationSeedsVersionOneWithTheFirstReleasesPricesAndPeriodFactors() {
    assertThat(inTx(() -> store().latestVersion())).isEqualTo(1);
    List<StoredVersion> all = inTx(() -> store().versionsAfter(0));
    assertThat(all).hasSize(1);
    StoredVersion v1 = all.get(0);
    assertThat(v1.version())
        .isEqualTo(new PriceVersionRow(1, Instant.EPOCH, Instant.EPOCH, "migration V5"));
    assertThat(v1.items())
        .containsExactly(
            new PriceItemRow(1, "BANDWIDTH_MBPS", "BANDWIDTH", 1_000),
            new PriceItemRow(1, "S5.LARGE8", "INSTANCE_TYPE", 20_000),
            new PriceItemRow(1, "S5.MEDIUM4", "INSTANCE_TYPE", 10_000),
            new PriceItemRow(1, "S5.SMALL2", "INSTANCE_TYPE", 5_000));
    Map<Integer, Integer> discounts = new TreeMap<>();
    v1.discounts().forEach(d -> discounts.put(d.periodMonths(), d.discountPercent()));
    assertThat(discounts).isEqualTo(Pricing.VERSION_1_DISCOUNT_PERCENT);
    // The first release's table is left as it was.
    assertThat(rawLong("SELECT COUNT(*) FROM price_catalog")).isEqualTo(4);
  }

  @Test
  void anAppendedVersionIsReadBackWithItsRowsAndOnlyWhatIsNewIsRead() {
    StoredVersion v2 = version(2, 6_000);
    inTx(() -> store().insert(v2));

    assertThat(inTx(() -> store().latestVersion())).isEqualTo(2);
    assertThat(inTx(() -> store().versionsAfter(1))).containsExactly(v2);
    assertThat(inTx(() -> store().versionsAfter(2))).isEmpty();
    assertThat(inTx(() -> store().versionsAfter(0))).hasSize(2).endsWith(v2);
  }

  @Test
  void aSecondWriterOfTheSameVersionNumberIsRefusedAndNothingOfItIsStored() {
    inTx(() -> store().insert(version(2, 6_000)));

    ApiException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ApiException.class, () -> inTx(() -> store().insert(version(2, 7_000))));

    assertThat(e.reason()).isEqualTo(ErrorReason.CONCURRENT_MODIFICATION);
    assertThat(inTx(() -> store().versionsAfter(1)))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.items())
                    .contains(new PriceItemRow(2, "S5.SMALL2", "INSTANCE_TYPE", 6_000)));
  }

  private static StoredVersion version(long version, long smallFen) {
    return new StoredVersion(
        new PriceVersionRow(version, EFFECTIVE, CREATED, "admin"),
        List.of(
            new PriceItemRow(version, "BANDWIDTH_MBPS", "BANDWIDTH", 1_100),
            new PriceItemRow(version, "S5.SMALL2", "INSTANCE_TYPE", smallFen)),
        List.of(new PriceDiscountRow(version, 1, 100), new PriceDiscountRow(version, 12, 80)));
  }
}
