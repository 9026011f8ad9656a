package com.cvmbilling.renewal.server.persistence;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/** The {@code price_catalog} table, read only (migrations write it). */
@Singleton
public class PriceStore {
  private final PriceMapper prices;

  @Inject
  PriceStore(PriceMapper prices) {
    this.prices = prices;
  }

  /** Every catalog row: instance types and the bandwidth item, by item code. */
  public List<PriceRow> all() {
    return prices.all();
  }
}
