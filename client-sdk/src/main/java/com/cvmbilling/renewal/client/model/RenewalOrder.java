package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryResponse;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of {@code RenewInstances} or {@code SetUnifiedExpiry}: one order covering every
 * instance of the call, charged with one debit.
 */
public final class RenewalOrder {
  private final String orderId;
  private final List<RenewalLine> lines;
  private final Amount totalPrice;
  private final Amount balance;
  private final String clientToken;
  private final Message proto;

  private RenewalOrder(
      String orderId,
      List<RenewalLine> lines,
      Amount totalPrice,
      Amount balance,
      String clientToken,
      Message proto) {
    this.orderId = orderId;
    this.lines = List.copyOf(lines);
    this.totalPrice = totalPrice;
    this.balance = balance;
    this.clientToken = clientToken;
    this.proto = proto;
  }

  /**
   * @param clientToken the idempotency key the call was made with (may be empty)
   */
  public static RenewalOrder fromProto(RenewInstancesResponse response, String clientToken) {
    return new RenewalOrder(
        response.getOrderId(),
        response.getRenewalsList().stream().map(RenewalLine::fromProto).toList(),
        Amount.fromProto(response.getTotalPrice()),
        Amount.fromProto(response.getBalance()),
        Objects.requireNonNullElse(clientToken, ""),
        response);
  }

  /**
   * @param clientToken the idempotency key the call was made with (may be empty)
   */
  public static RenewalOrder fromProto(SetUnifiedExpiryResponse response, String clientToken) {
    return new RenewalOrder(
        response.getOrderId(),
        response.getRenewalsList().stream().map(RenewalLine::fromProto).toList(),
        Amount.fromProto(response.getTotalPrice()),
        Amount.fromProto(response.getBalance()),
        Objects.requireNonNullElse(clientToken, ""),
        response);
  }

  /** Empty on a dry run, and when nothing was charged (a unified expiry already in place). */
  public Optional<String> orderId() {
    return orderId.isEmpty() ? Optional.empty() : Optional.of(orderId);
  }

  public List<RenewalLine> lines() {
    return lines;
  }

  /** The line of one instance. */
  public Optional<RenewalLine> line(String instanceId) {
    return lines.stream().filter(l -> l.instanceId().equals(instanceId)).findFirst();
  }

  /** What the order charged (what it would charge, on a dry run). */
  public Amount totalPrice() {
    return totalPrice;
  }

  /** The balance after the charge (before it, on a dry run). */
  public Amount balance() {
    return balance;
  }

  /**
   * The idempotency key the call was made with: the caller's own or the one the SDK generated.
   * Calling again with it returns this same order and charges nothing.
   */
  public String clientToken() {
    return clientToken;
  }

  /**
   * The generated response: a {@link RenewInstancesResponse} or a {@link SetUnifiedExpiryResponse}.
   */
  public Message toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "RenewalOrder{"
        + (orderId.isEmpty() ? "no order" : orderId)
        + ", total "
        + totalPrice
        + ", balance "
        + balance
        + ", "
        + lines
        + "}";
  }
}
