package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.PeriodDiscount;
import com.cvmbilling.renewal.v1.PriceCatalogVersion;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One version of the price catalog (AdminService): instance type and bandwidth prices, the period
 * discounts, and from when it is in force. Versions are never changed once written.
 */
public final class PriceCatalogInfo {
  private final PriceCatalogVersion proto;

  private PriceCatalogInfo(PriceCatalogVersion proto) {
    this.proto = proto;
  }

  /**
   * The view of a catalog version's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static PriceCatalogInfo fromProto(PriceCatalogVersion proto) {
    return new PriceCatalogInfo(Objects.requireNonNull(proto, "proto"));
  }

  public long version() {
    return proto.getVersion();
  }

  /** In force from this instant until a later version's effective time. */
  public Instant effectiveTime() {
    return ProtoTypes.toInstant(proto.getEffectiveTime());
  }

  /** Monthly price by instance type, in the server's order. */
  public Map<String, Amount> monthlyPrices() {
    return PriceList.monthlyPrices(proto.getInstanceTypesList());
  }

  public Amount bandwidthMonthlyPricePerMbps() {
    return Amount.fromProto(proto.getBandwidthMonthlyPricePerMbps());
  }

  /** Share of the list price charged, in percent (100 = no discount), by renewal period months. */
  public Map<Integer, Integer> discountPercentByPeriodMonths() {
    Map<Integer, Integer> discounts = new LinkedHashMap<>();
    for (PeriodDiscount d : proto.getPeriodDiscountsList()) {
      discounts.put(d.getPeriodMonths(), d.getDiscountPercent());
    }
    return Map.copyOf(discounts);
  }

  /** When the version was written (server clock). */
  public Instant createTime() {
    return ProtoTypes.toInstant(proto.getCreateTime());
  }

  /** The prefix of the admin key that wrote it. */
  public String createdBy() {
    return proto.getCreatedBy();
  }

  public PriceCatalogVersion toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "PriceCatalogInfo{version "
        + version()
        + " from "
        + effectiveTime()
        + ", "
        + monthlyPrices()
        + ", bandwidth "
        + bandwidthMonthlyPricePerMbps()
        + " per Mbps, discounts "
        + discountPercentByPeriodMonths()
        + "}";
  }
}
