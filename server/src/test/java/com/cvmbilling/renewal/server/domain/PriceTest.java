package com.cvmbilling.renewal.server.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.testing.Tier;
import org.junit.jupiter.api.Test;

@Tier.Unit
class PriceTest {
  @Test
  void zeroIsZero() {
    assertThat(Price.ZERO.originalFen()).isZero();
    assertThat(Price.ZERO.discountFen()).isZero();
  }

  @Test
  void plusAddsBothComponentsSeparately() {
    Price sum = new Price(39996, 33997).plus(new Price(15000, 15000));
    assertThat(sum).isEqualTo(new Price(54996, 48997));
  }

  @Test
  void zeroIsTheIdentityOfPlus() {
    Price p = new Price(123, 45);
    assertThat(Price.ZERO.plus(p)).isEqualTo(p);
    assertThat(p.plus(Price.ZERO)).isEqualTo(p);
  }

  @Test
  void plusOverflowThrowsInsteadOfWrapping() {
    Price big = new Price(Long.MAX_VALUE, 1);
    assertThatThrownBy(() -> big.plus(new Price(1, 1))).isInstanceOf(ArithmeticException.class);
    Price bigDiscount = new Price(1, Long.MAX_VALUE);
    assertThatThrownBy(() -> bigDiscount.plus(new Price(1, 1)))
        .isInstanceOf(ArithmeticException.class);
  }
}
