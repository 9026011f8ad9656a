package com.cvmbilling.renewal.client.error;

import com.cvmbilling.renewal.client.model.Amount;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * {@code FAILED_PRECONDITION}/{@code INSUFFICIENT_BALANCE}: the balance does not cover the charge.
 * Nothing was charged. {@link #required()} is the charge and {@link #balance()} the balance it was
 * checked against (the {@code required} and {@code balance} metadata of the service's {@code
 * ErrorInfo}, in CNY, the currency the service bills in).
 *
 * <pre>{@code
 * } catch (InsufficientBalanceException e) {
 *   Amount missing = e.required().orElseThrow().subtract(e.balance().orElseThrow());
 * }
 * }</pre>
 */
public class InsufficientBalanceException extends FailedPreconditionException {
  private static final long serialVersionUID = 1L;

  private static final String BALANCE_KEY = "balance";
  private static final String REQUIRED_KEY = "required";

  InsufficientBalanceException(Details details) {
    super(details);
  }

  /**
   * The account's balance when the charge was refused; empty when the server did not say (or said
   * something that is not an amount). Never throws.
   */
  public Optional<Amount> balance() {
    return amount(BALANCE_KEY);
  }

  /**
   * What the refused call would have charged; empty when the server did not say (or said something
   * that is not an amount). Never throws.
   */
  public Optional<Amount> required() {
    return amount(REQUIRED_KEY);
  }

  private Optional<Amount> amount(String key) {
    String value = metadata().get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Amount.cny(new BigDecimal(value.strip())));
    } catch (RuntimeException notAnAmount) { // NumberFormatException, too many decimals, ...
      return Optional.empty();
    }
  }
}
