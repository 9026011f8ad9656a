package com.cvmbilling.renewal.server.persistence;

import java.util.List;

/** The {@code price_catalog} table's SQL; only {@link PriceStore} uses it. */
public interface PriceMapper {
  /** Every catalog row: instance types and the bandwidth item. */
  List<PriceRow> all();
}
