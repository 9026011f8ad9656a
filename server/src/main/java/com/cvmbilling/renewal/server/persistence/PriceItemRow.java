package com.cvmbilling.renewal.server.persistence;

/** A {@code price_catalog_item} row: an instance type or the bandwidth item of one version. */
public record PriceItemRow(long version, String itemCode, String itemKind, long monthlyPriceFen) {}
