package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.DescribePriceCatalogResponse;
import java.util.List;
import java.util.Objects;

/** DescribePriceCatalog's answer: the version in force at the asked time, and maybe history. */
public final class PriceCatalogSnapshot {
  private final DescribePriceCatalogResponse proto;

  private PriceCatalogSnapshot(DescribePriceCatalogResponse proto) {
    this.proto = proto;
  }

  /**
   * The view of DescribePriceCatalog's generated response.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static PriceCatalogSnapshot fromProto(DescribePriceCatalogResponse proto) {
    return new PriceCatalogSnapshot(Objects.requireNonNull(proto, "proto"));
  }

  /** The version in force at the asked time. */
  public PriceCatalogInfo inForce() {
    return PriceCatalogInfo.fromProto(proto.getCatalog());
  }

  /** Every version, ascending, when history was asked for; else empty. */
  public List<PriceCatalogInfo> versions() {
    return proto.getVersionsList().stream().map(PriceCatalogInfo::fromProto).toList();
  }

  public DescribePriceCatalogResponse toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "PriceCatalogSnapshot{" + inForce() + ", " + proto.getVersionsCount() + " versions}";
  }
}
