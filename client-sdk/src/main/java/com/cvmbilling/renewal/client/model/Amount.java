package com.cvmbilling.renewal.client.model;

import com.google.type.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An exact amount of money: a {@link BigDecimal} and a {@link Currency}, for {@code
 * google.type.Money}. Never floating point. The service bills in {@code CNY}; an amount whose
 * currency code the server left empty is read as CNY, as the service defines.
 *
 * <p>Equality is by value and currency ({@code 1.0 CNY} equals {@code 1.00 CNY}).
 */
public final class Amount implements Comparable<Amount> {
  /** The currency the service bills in. */
  public static final Currency CNY = Currency.getInstance("CNY");

  private static final BigDecimal NANOS_PER_UNIT = BigDecimal.valueOf(1_000_000_000L);

  private final BigDecimal value;
  private final Currency currency;

  private Amount(BigDecimal value, Currency currency) {
    this.value = value;
    this.currency = currency;
  }

  /**
   * An amount in a currency. At most 9 decimal places (what {@code google.type.Money} holds).
   *
   * @param value the amount, e.g. {@code 55.00}
   * @param currency its currency
   * @return the amount, with at least the currency's usual decimal places
   * @throws NullPointerException if {@code value} or {@code currency} is null
   * @throws IllegalArgumentException if {@code value} has more than 9 decimal places
   */
  public static Amount of(BigDecimal value, Currency currency) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(currency, "currency");
    if (value.stripTrailingZeros().scale() > 9) {
      throw new IllegalArgumentException("more than 9 decimal places: " + value);
    }
    int scale =
        Math.max(
            value.stripTrailingZeros().scale(), Math.max(currency.getDefaultFractionDigits(), 0));
    return new Amount(value.setScale(scale, RoundingMode.UNNECESSARY), currency);
  }

  /**
   * An amount in CNY, e.g. {@code Amount.cny("55.00")}.
   *
   * @param value a decimal number
   * @return the amount
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it is not a decimal number ({@link NumberFormatException})
   *     or has more than 9 decimal places
   */
  public static Amount cny(String value) {
    return of(new BigDecimal(value), CNY);
  }

  /**
   * An amount in CNY.
   *
   * @param value the amount
   * @return the amount
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if it has more than 9 decimal places
   */
  public static Amount cny(BigDecimal value) {
    return of(value, CNY);
  }

  /**
   * From {@code google.type.Money}; an empty currency code is read as CNY.
   *
   * @param money the message
   * @return the amount
   * @throws NullPointerException if {@code money} is null
   * @throws IllegalArgumentException if its currency code is not an ISO 4217 code
   */
  public static Amount fromProto(Money money) {
    Objects.requireNonNull(money, "money");
    Currency currency =
        money.getCurrencyCode().isEmpty() ? CNY : Currency.getInstance(money.getCurrencyCode());
    BigDecimal value =
        BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    return of(value, currency);
  }

  /** To {@code google.type.Money}: units and nanos with the same sign, as that type requires. */
  public Money toProto() {
    BigDecimal[] parts = value.divideAndRemainder(BigDecimal.ONE);
    long units = parts[0].longValueExact();
    int nanos = parts[1].multiply(NANOS_PER_UNIT).intValueExact();
    return Money.newBuilder()
        .setCurrencyCode(currency.getCurrencyCode())
        .setUnits(units)
        .setNanos(nanos)
        .build();
  }

  public BigDecimal value() {
    return value;
  }

  public Currency currency() {
    return currency;
  }

  public boolean isNegative() {
    return value.signum() < 0;
  }

  public Amount negate() {
    return new Amount(value.negate(), currency);
  }

  /**
   * The sum of two amounts in the same currency.
   *
   * @param other the amount to add
   * @return the sum
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   */
  public Amount add(Amount other) {
    requireSameCurrency(other);
    return of(value.add(other.value), currency);
  }

  /**
   * The difference of two amounts in the same currency.
   *
   * @param other the amount to subtract
   * @return this minus {@code other}
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   */
  public Amount subtract(Amount other) {
    requireSameCurrency(other);
    return of(value.subtract(other.value), currency);
  }

  /**
   * Orders amounts of the same currency by value.
   *
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   */
  @Override
  public int compareTo(Amount other) {
    requireSameCurrency(other);
    return value.compareTo(other.value);
  }

  private void requireSameCurrency(Amount other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException(
          "different currencies: " + currency + " and " + other.currency);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Amount a && currency.equals(a.currency) && value.compareTo(a.value) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(value.stripTrailingZeros(), currency);
  }

  /** For example {@code 55.00 CNY}. */
  @Override
  public String toString() {
    return value.toPlainString() + " " + currency.getCurrencyCode();
  }
}
