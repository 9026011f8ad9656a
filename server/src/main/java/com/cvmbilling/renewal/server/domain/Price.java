package com.cvmbilling.renewal.server.domain;

/**
 * The price of one line item (or a sum of line items), in fen (1 CNY = 100 fen).
 *
 * <p>{@code originalFen} is the list price before any period factor; {@code discountFen} is the
 * price after the period factor, i.e. what is actually charged (SPEC section 11: {@code
 * discount_price} is what is charged). For periods without a factor both are equal.
 */
public record Price(long originalFen, long discountFen) {
  public static final Price ZERO = new Price(0, 0);

  /** The sum of two prices; throws {@link ArithmeticException} on overflow, never wraps. */
  public Price plus(Price other) {
    return new Price(
        Math.addExact(originalFen, other.originalFen),
        Math.addExact(discountFen, other.discountFen));
  }
}
