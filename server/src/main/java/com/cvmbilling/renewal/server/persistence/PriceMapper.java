package com.cvmbilling.renewal.server.persistence;

import java.util.List;

public interface PriceMapper {
  /** Every catalog row: instance types and the bandwidth item. */
  List<PriceRow> all();

  record PriceRow(String itemCode, String itemKind, long monthlyPriceFen) {}
}
