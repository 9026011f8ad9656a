package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.persistence.PriceRow;
import com.cvmbilling.renewal.server.persistence.PriceStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.TreeMap;

/** The price catalog, read from the database (seeded by a migration, changed by SQL only). */
@Singleton
public class PriceService {
  static final String BANDWIDTH_KIND = "BANDWIDTH";
  static final String INSTANCE_TYPE_KIND = "INSTANCE_TYPE";

  private final PriceStore prices;
  private final Transactions tx;

  @Inject
  public PriceService(PriceStore prices, Transactions tx) {
    this.prices = prices;
    this.tx = tx;
  }

  /** Read in the caller's transaction, so a price is consistent with what it charges. */
  public PriceCatalog catalog() {
    return tx.inTransaction(
        () -> {
          TreeMap<String, Long> types = new TreeMap<>();
          long bandwidth = -1;
          for (PriceRow row : prices.all()) {
            if (BANDWIDTH_KIND.equals(row.itemKind())) {
              bandwidth = row.monthlyPriceFen();
            } else if (INSTANCE_TYPE_KIND.equals(row.itemKind())) {
              types.put(row.itemCode(), row.monthlyPriceFen());
            }
          }
          if (bandwidth < 0) {
            throw new IllegalStateException("price catalog has no bandwidth price");
          }
          return PriceCatalog.of(types, bandwidth);
        });
  }
}
