package com.cvmbilling.renewal.server.persistence;

/** A catalog row: an instance type or the bandwidth item, with its monthly price. */
public record PriceRow(String itemCode, String itemKind, long monthlyPriceFen) {}
