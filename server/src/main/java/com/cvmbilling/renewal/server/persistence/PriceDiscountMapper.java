package com.cvmbilling.renewal.server.persistence;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code price_catalog_discount} table's SQL; only {@link PriceStore} uses it. */
public interface PriceDiscountMapper {
  /** The discounts of the versions above {@code version}. */
  List<PriceDiscountRow> after(@Param("version") long version);

  void insertAll(@Param("rows") List<PriceDiscountRow> rows);
}
