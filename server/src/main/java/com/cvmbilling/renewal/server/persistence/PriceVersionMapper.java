package com.cvmbilling.renewal.server.persistence;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code price_catalog_version} table's SQL; only {@link PriceStore} uses it. */
public interface PriceVersionMapper {
  /** The highest version number (version 1 is seeded by the migration). */
  long latestVersion();

  /** Versions above {@code version}, by version. */
  List<PriceVersionRow> after(@Param("version") long version);

  void insert(PriceVersionRow row);
}
