package com.cvmbilling.renewal.server.persistence;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code price_catalog_item} table's SQL; only {@link PriceStore} uses it. */
public interface PriceItemMapper {
  /** The items of the versions above {@code version}. */
  List<PriceItemRow> after(@Param("version") long version);

  void insertAll(@Param("rows") List<PriceItemRow> rows);
}
