package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.google.protobuf.Message;
import java.util.List;

/** A price inquiry: exactly what the real call would charge, changing nothing. */
public final class PriceQuote {
  private final List<RenewalLine> lines;
  private final Amount totalPrice;
  private final Message proto;

  private PriceQuote(List<RenewalLine> lines, Amount totalPrice, Message proto) {
    this.lines = List.copyOf(lines);
    this.totalPrice = totalPrice;
    this.proto = proto;
  }

  public static PriceQuote fromProto(InquiryPriceRenewInstancesResponse response) {
    return new PriceQuote(
        response.getRenewalsList().stream().map(RenewalLine::fromProto).toList(),
        Amount.fromProto(response.getTotalPrice()),
        response);
  }

  public static PriceQuote fromProto(InquiryPriceUnifiedExpiryResponse response) {
    return new PriceQuote(
        response.getRenewalsList().stream().map(RenewalLine::fromProto).toList(),
        Amount.fromProto(response.getTotalPrice()),
        response);
  }

  public List<RenewalLine> lines() {
    return lines;
  }

  public Amount totalPrice() {
    return totalPrice;
  }

  /**
   * The generated response: an {@code InquiryPriceRenewInstancesResponse} or {@code
   * InquiryPriceUnifiedExpiryResponse}.
   */
  public Message toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "PriceQuote{total " + totalPrice + ", " + lines + "}";
  }
}
