package com.cvmbilling.renewal.server.persistence;

/** A {@code price_catalog_discount} row: the period factor of one version, in percent. */
public record PriceDiscountRow(long version, int periodMonths, int discountPercent) {}
