package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.DescribePricesResponse;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The price catalog: monthly price per instance type, and per Mbps of bandwidth. */
public final class PriceList {
  private final DescribePricesResponse proto;

  private PriceList(DescribePricesResponse proto) {
    this.proto = proto;
  }

  /**
   * The view of the price catalog's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static PriceList fromProto(DescribePricesResponse proto) {
    return new PriceList(Objects.requireNonNull(proto, "proto"));
  }

  /** Monthly price by instance type, in the server's order. */
  public Map<String, Amount> monthlyPrices() {
    return monthlyPrices(proto.getInstanceTypesList());
  }

  /** The instance types' monthly prices, in the server's order (also for PriceCatalogInfo). */
  static Map<String, Amount> monthlyPrices(List<InstanceTypePrice> instanceTypes) {
    Map<String, Amount> prices = new LinkedHashMap<>();
    for (InstanceTypePrice p : instanceTypes) {
      prices.put(p.getInstanceType(), Amount.fromProto(p.getMonthlyPrice()));
    }
    return Map.copyOf(prices);
  }

  public Amount bandwidthMonthlyPricePerMbps() {
    return Amount.fromProto(proto.getBandwidthMonthlyPricePerMbps());
  }

  public DescribePricesResponse toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "PriceList{"
        + monthlyPrices()
        + ", bandwidth "
        + bandwidthMonthlyPricePerMbps()
        + " per Mbps}";
  }
}
