package com.cvmbilling.renewal.server.domain;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Monthly list prices in fen, as loaded from the database. */
public record PriceCatalog(
    SortedMap<String, Long> instanceTypeMonthlyFen, long bandwidthMonthlyFenPerMbps) {

  public PriceCatalog {
    instanceTypeMonthlyFen = new TreeMap<>(instanceTypeMonthlyFen);
  }

  public static PriceCatalog of(Map<String, Long> types, long bandwidthFenPerMbps) {
    return new PriceCatalog(new TreeMap<>(types), bandwidthFenPerMbps);
  }

  public Optional<Long> instanceTypeMonthlyFen(String instanceType) {
    return Optional.ofNullable(instanceTypeMonthlyFen.get(instanceType));
  }

  /** Monthly rate of an instance of this type at this bandwidth (SPEC 5). */
  public long monthlyRateFen(String instanceType, int bandwidthMbps) {
    Long typePrice = instanceTypeMonthlyFen.get(instanceType);
    if (typePrice == null) {
      // A stored instance always has a catalogued type; a missing row is a data error, not user
      // input.
      throw new IllegalStateException("no price for instance type " + instanceType);
    }
    return Pricing.monthlyRateFen(typePrice, bandwidthMbps, bandwidthMonthlyFenPerMbps);
  }
}
