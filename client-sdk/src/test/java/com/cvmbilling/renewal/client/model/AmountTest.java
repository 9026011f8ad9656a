package com.cvmbilling.renewal.client.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.testing.Tier;
import com.google.protobuf.Timestamp;
import com.google.type.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import org.junit.jupiter.api.Test;

@Tier.Unit
class AmountTest {
  @Test
  void moneyRoundTripsExactly() {
    Money m =
        Money.newBuilder().setCurrencyCode("CNY").setUnits(1000).setNanos(500_000_000).build();
    Amount a = Amount.fromProto(m);
    assertThat(a.value()).isEqualTo(new BigDecimal("1000.50"));
    assertThat(a.currency()).isEqualTo(Currency.getInstance("CNY"));
    assertThat(a.toString()).isEqualTo("1000.50 CNY");
    assertThat(a.toProto()).isEqualTo(m);

    Amount debit = Amount.cny("-55.01");
    Money d = debit.toProto();
    assertThat(d.getUnits()).isEqualTo(-55);
    assertThat(d.getNanos()).isEqualTo(-10_000_000);
    assertThat(Amount.fromProto(d)).isEqualTo(debit);
    assertThat(Amount.cny("0.1").add(Amount.cny("0.2"))).isEqualTo(Amount.cny("0.30"));
    assertThat(Amount.cny("1.0"))
        .isEqualTo(Amount.cny("1.00"))
        .hasSameHashCodeAs(Amount.cny("1.00"));
  }

  @Test
  void emptyCurrencyIsCnyAndOtherCurrenciesAreKept() {
    assertThat(Amount.fromProto(Money.newBuilder().setUnits(3).build())).isEqualTo(Amount.cny("3"));
    Amount usd = Amount.fromProto(Money.newBuilder().setCurrencyCode("USD").setUnits(1).build());
    assertThat(usd.currency().getCurrencyCode()).isEqualTo("USD");
    assertThatThrownBy(() -> usd.add(Amount.cny("1"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Amount.cny("0.0000000001"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void timesAndDurations() {
    Instant t = Instant.parse("2027-01-31T16:00:00.123Z");
    Timestamp ts = ProtoTypes.toTimestamp(t);
    assertThat(ProtoTypes.toInstant(ts)).isEqualTo(t);
    assertThat(ProtoTypes.toInstant(false, ts)).isEmpty();
    Duration negative = Duration.ofMillis(-1500);
    com.google.protobuf.Duration pd = ProtoTypes.toProtoDuration(negative);
    assertThat(pd.getSeconds()).isEqualTo(-1);
    assertThat(pd.getNanos()).isEqualTo(-500_000_000);
    assertThat(ProtoTypes.toDuration(pd)).isEqualTo(negative);
    assertThat(ProtoTypes.toDuration(ProtoTypes.toProtoDuration(Duration.ofDays(30))))
        .isEqualTo(Duration.ofDays(30));
  }
}
