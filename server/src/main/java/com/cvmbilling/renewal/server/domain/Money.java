package com.cvmbilling.renewal.server.domain;

import java.math.BigDecimal;

/** Formatting of fen amounts for messages and metadata, e.g. 12345 -> "123.45". */
public final class Money {
  private Money() {}

  public static String format(long fen) {
    return BigDecimal.valueOf(fen, 2).toPlainString();
  }
}
