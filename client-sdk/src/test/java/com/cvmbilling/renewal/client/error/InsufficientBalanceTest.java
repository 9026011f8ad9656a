package com.cvmbilling.renewal.client.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.testing.FakeServer;
import com.cvmbilling.renewal.server.testing.Tier;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InsufficientBalanceException#balance()} and {@link
 * InsufficientBalanceException#required()} read the server's ErrorInfo metadata ({@code
 * Money.format}: plain decimal yuan, e.g. {@code 55.00}) as amounts, and are empty, never failing,
 * when it is missing or not an amount.
 */
@Tier.Unit
class InsufficientBalanceTest {
  private static InsufficientBalanceException refused(Map<String, String> metadata) {
    return (InsufficientBalanceException)
        RenewalException.from(
            FakeServer.error(
                Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_BALANCE", metadata, null));
  }

  @Test
  void theAmountsAreTyped() {
    InsufficientBalanceException e = refused(Map.of("balance", "12.50", "required", "55.00"));
    assertThat(e.balance()).contains(Amount.cny("12.50"));
    assertThat(e.required()).contains(Amount.cny("55.00"));
    assertThat(e.required().orElseThrow().subtract(e.balance().orElseThrow()))
        .isEqualTo(Amount.cny("42.50"));
    assertThat(refused(Map.of("balance", "0.00", "required", "1234567.89")).required())
        .contains(Amount.cny("1234567.89"));
  }

  @Test
  void missingAmountsAreEmpty() {
    InsufficientBalanceException e = refused(Map.of());
    assertThat(e.balance()).isEmpty();
    assertThat(e.required()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "abc", "12,50", "1e", "0.0000000001", "NaN", "55.00 CNY"})
  void somethingThatIsNotAnAmountIsEmptyNotAFailure(String value) {
    Map<String, String> metadata = new HashMap<>();
    metadata.put("balance", value);
    metadata.put("required", value);
    InsufficientBalanceException e = refused(metadata);
    assertThat(e.balance()).isEmpty();
    assertThat(e.required()).isEmpty();
    assertThat(e.getMessage()).contains("INSUFFICIENT_BALANCE");
  }
}
